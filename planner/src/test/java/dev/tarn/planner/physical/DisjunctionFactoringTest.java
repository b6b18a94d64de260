package dev.tarn.planner.physical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.planner.explain.PlanPrinter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ORs spanning two join inputs: common factors are pulled out and per-input filters derived. */
class DisjunctionFactoringTest {
  @TempDir Path folder;
  private TpchFixture tpch;

  @BeforeEach
  void setUp() {
    tpch = new TpchFixture(folder);
  }

  private String explain(int query) {
    return PlanPrinter.explain(tpch.plan(TpchFixture.query(query), PlannerOptions.DEFAULT));
  }

  @Test
  void q19() {
    System.out.println(explain(19));
  }

  @Test
  void q7() {
    System.out.println(explain(7));
  }
}
