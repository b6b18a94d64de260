package dev.tarn.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  static final List<String> TABLES =
      List.of("orders", "order_items", "customers", "customer", "lineitem", "nation");

  @Test
  void closestNamesWithinASmallDistanceClosestFirst() {
    assertThat(Suggestions.closest("ordres", TABLES)).containsExactly("orders");
    assertThat(Suggestions.closest("customr", TABLES)).containsExactly("customer", "customers");
    assertThat(Suggestions.closest("LINEITEMS", TABLES)).containsExactly("lineitem");
    assertThat(Suggestions.closest("warehouse", TABLES)).isEmpty();
    assertThat(Suggestions.closest("orders", TABLES))
        .as("an exact name is no suggestion")
        .isEmpty();
  }

  @Test
  void messageNamesTheSuggestions() {
    assertThat(Suggestions.withSuggestions("Table 'x.natoin' does not exist", "natoin", TABLES))
        .isEqualTo("Table 'x.natoin' does not exist. Did you mean 'nation'?");
    assertThat(Suggestions.withSuggestions("Table 'x.zzz' does not exist", "zzz", TABLES))
        .isEqualTo("Table 'x.zzz' does not exist");
  }
}
