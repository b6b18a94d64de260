package dev.tarn.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text forms of timestamps and decimals, compared with DuckDB's formatting of the same values
 * (its {@code strftime(..., '%Y-%m-%d %H:%M:%S.%f')} and decimal casts).
 */
class JsonValuesTest {
  private static final List<Long> MICROS =
      List.of(
          0L,
          1L,
          -1L,
          1_706_696_430_123_456L, // 2024-01-31 10:20:30.123456
          951_782_400_000_000L, // 2000-02-29
          -86_400_000_001L,
          253_402_300_799_999_999L, // 9999-12-31 23:59:59.999999
          -2_208_988_800_000_000L); // 1900-01-01

  private static final List<String> DECIMALS =
      List.of("12.3", "0", "-0.05", "1.005", "-1.005", "9999999999.99", "-0.001", "7");

  @Test
  void timestampsMatchDuckDb() throws Exception {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement query =
            duck.prepareStatement(
                "SELECT strftime(make_timestamp(CAST(? AS BIGINT)), '%Y-%m-%d %H:%M:%S.%f')")) {
      for (long micros : MICROS) {
        query.setLong(1, micros);
        try (ResultSet rs = query.executeQuery()) {
          rs.next();
          LocalDateTime value =
              LocalDateTime.ofInstant(
                  Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
          assertThat(JsonValues.timestampText(value))
              .as("micros %d", micros)
              .isEqualTo(rs.getString(1));
        }
      }
    }
  }

  @Test
  void decimalsMatchDuckDb() throws Exception {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement query =
            duck.prepareStatement(
                "SELECT CAST(CAST(? AS DECIMAL(18,4)) AS DECIMAL(12,2))::VARCHAR")) {
      for (String text : DECIMALS) {
        query.setString(1, text);
        try (ResultSet rs = query.executeQuery()) {
          rs.next();
          assertThat(JsonValues.decimalText(new BigDecimal(text), 2))
              .as("decimal %s", text)
              .isEqualTo(rs.getString(1));
        }
      }
    }
  }
}
