package dev.tarn.runtime.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module arrows of ARCHITECTURE.md one way, on the compiled main classes of every module:
 * a lower module never imports a higher one, and no package cycle forms.
 */
class ModuleArrowsTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Tarn's own modules arrive as target/classes folders (mvn test) or as their
            // tarn-*.jar files (mvn verify): keep both, but no test jar and no third-party jar.
            .withImportOption(
                location ->
                    !location.isJar()
                        || (location.contains("/tarn-") && !location.contains("-tests.jar")))
            .importPackages("dev.tarn");
    // A rule over classes that were never imported passes: make sure every module is here.
    for (String name :
        new String[] {
          "dev.tarn.core.type.SqlType",
          "dev.tarn.operators.expr.ExpressionEvaluator",
          "dev.tarn.planner.physical.PlanNode",
          "dev.tarn.catalog.entity.TableEntity",
          "dev.tarn.actors.query.QueryCoordinator",
          "dev.tarn.runtime.Main"
        }) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(name)).as(name).isTrue();
    }
  }

  @Test
  void modulesDependOnlyDownwards() {
    ArchRule rule =
        Architectures.layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("core")
            .definedBy("dev.tarn.core..")
            .layer("operators")
            .definedBy("dev.tarn.operators..")
            .layer("planner")
            .definedBy("dev.tarn.planner..")
            .layer("catalog")
            .definedBy("dev.tarn.catalog..")
            .layer("actors")
            .definedBy("dev.tarn.actors..")
            .layer("crawler")
            .definedBy("dev.tarn.crawler..")
            .layer("etl")
            .definedBy("dev.tarn.etl..")
            .layer("runtime")
            .definedBy("dev.tarn.runtime..")
            .whereLayer("runtime")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("etl")
            .mayOnlyBeAccessedByLayers("runtime")
            .whereLayer("crawler")
            .mayOnlyBeAccessedByLayers("runtime")
            .whereLayer("actors")
            .mayOnlyBeAccessedByLayers("etl", "runtime")
            .whereLayer("catalog")
            .mayOnlyBeAccessedByLayers("actors", "crawler", "etl", "runtime")
            .whereLayer("planner")
            .mayOnlyBeAccessedByLayers("actors", "etl", "runtime")
            .whereLayer("operators")
            .mayOnlyBeAccessedByLayers("actors", "runtime")
            .allowEmptyShould(true);
    rule.check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.tarn.(*).(*)..").should().beFreeOfCycles().check(classes);
  }
}
