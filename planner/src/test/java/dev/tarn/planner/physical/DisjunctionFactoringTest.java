package dev.tarn.planner.physical;

import static dev.tarn.planner.physical.PlanNodes.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.planner.explain.PlanPrinter;
import dev.tarn.planner.stages.DistributedPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ORs over two join inputs: common conjuncts are pulled out (a join key, filters on one input), and
 * each input gets the OR of what each branch asks of it, while the join keeps the whole OR.
 */
class DisjunctionFactoringTest {
  @TempDir Path folder;
  private TpchFixture tpch;

  @BeforeEach
  void setUp() {
    tpch = new TpchFixture(folder);
  }

  /** The EXPLAIN line of the Filter right above the scan of {@code table}; null if none. */
  private static String scanFilter(DistributedPlan plan, String table) {
    List<String> lines = PlanPrinter.explain(plan).lines().toList();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).contains("Scan[table=tpch." + table + ",")
          && lines.get(i - 1).contains("Filter[")) {
        return lines.get(i - 1);
      }
    }
    return null;
  }

  private static List<PlanNode.Join> joins(DistributedPlan plan) {
    List<PlanNode.Join> out = new ArrayList<>();
    for (PlanNode node : nodes(plan)) {
      if (node instanceof PlanNode.Join join) {
        out.add(join);
      }
    }
    return out;
  }

  @Test
  void q19JoinsOnPartkeyAndFiltersEachSideByItsShareOfTheOr() {
    DistributedPlan plan = tpch.plan(TpchFixture.query(19), PlannerOptions.DEFAULT);
    String explain = PlanPrinter.explain(plan);
    assertThat(scanFilter(plan, "lineitem"))
        .as(explain)
        .contains("l_shipmode = 'AIR'")
        .contains("l_shipinstruct = 'DELIVER IN PERSON'")
        .contains("l_quantity >= 20")
        .doesNotContain("p_");
    assertThat(scanFilter(plan, "part"))
        .as(explain)
        .contains("p_brand = 'Brand#12'", "p_brand = 'Brand#23'", "p_brand = 'Brand#34'")
        .contains("p_container = 'LG BOX'")
        .doesNotContain("l_");
    List<PlanNode.Join> joins = joins(plan);
    assertThat(joins).as(explain).hasSize(1);
    assertThat(joins.get(0).probeKeys()).as(explain).hasSize(1);
    // The OR itself still decides which pairs match.
    assertThat(joins.get(0).residual()).as(explain).isNotNull();
  }

  @Test
  void q7FiltersBothNationsByTheNamesTheOrAllows() {
    DistributedPlan plan = tpch.plan(TpchFixture.query(7), PlannerOptions.DEFAULT);
    String explain = PlanPrinter.explain(plan);
    long filteredNations = 0;
    for (PlanNode node : nodes(plan)) {
      if (node instanceof PlanNode.Filter filter
          && filter.source() instanceof PlanNode.Scan scan
          && scan.table().name().equals("nation")) {
        filteredNations++;
      }
    }
    assertThat(filteredNations).as(explain).isEqualTo(2);
    assertThat(explain).contains("Filter[predicate=((n_name = 'FRANCE') OR (n_name = 'GERMANY'))]");
  }

  @Test
  void anOrWithABranchThatDoesNotRestrictAnInputDerivesNothingForIt() {
    DistributedPlan plan =
        tpch.plan(
            "SELECT count(*) FROM nation, region WHERE n_regionkey = r_regionkey"
                + " AND (n_name = 'FRANCE' OR r_name = 'ASIA')",
            PlannerOptions.DEFAULT);
    String explain = PlanPrinter.explain(plan);
    assertThat(scanFilter(plan, "nation")).as(explain).isNull();
    assertThat(scanFilter(plan, "region")).as(explain).isNull();
    assertThat(joins(plan).get(0).residual()).as(explain).isNotNull();
  }
}
