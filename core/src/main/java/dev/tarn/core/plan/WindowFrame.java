package dev.tarn.core.plan;

import dev.tarn.core.serde.TarnMessage;
import java.util.Objects;

/**
 * A window frame: {@code ROWS|RANGE BETWEEN start AND end}. Offsets count rows for ROWS and are
 * values of the single order key for RANGE (only UNBOUNDED and CURRENT ROW bounds need support for
 * RANGE). SQL's default with ORDER BY is RANGE UNBOUNDED PRECEDING .. CURRENT ROW, without ORDER BY
 * the whole partition.
 */
public record WindowFrame(Type type, Bound start, Bound end) implements TarnMessage {
  public WindowFrame {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }

  public static final WindowFrame DEFAULT_WITH_ORDER =
      new WindowFrame(Type.RANGE, Bound.UNBOUNDED_PRECEDING, Bound.CURRENT_ROW);
  public static final WindowFrame WHOLE_PARTITION =
      new WindowFrame(Type.ROWS, Bound.UNBOUNDED_PRECEDING, Bound.UNBOUNDED_FOLLOWING);

  /** Frame units. */
  public enum Type {
    ROWS,
    RANGE
  }

  /** One end of a frame; {@code offset} is used by PRECEDING and FOLLOWING only. */
  public record Bound(Kind kind, long offset) implements TarnMessage {
    public Bound {
      Objects.requireNonNull(kind, "kind");
      if (offset < 0) {
        throw new IllegalArgumentException("frame offset must be >= 0, was " + offset);
      }
    }

    public static final Bound UNBOUNDED_PRECEDING = new Bound(Kind.UNBOUNDED_PRECEDING, 0);
    public static final Bound CURRENT_ROW = new Bound(Kind.CURRENT_ROW, 0);
    public static final Bound UNBOUNDED_FOLLOWING = new Bound(Kind.UNBOUNDED_FOLLOWING, 0);

    /** Bound kinds. */
    public enum Kind {
      UNBOUNDED_PRECEDING,
      PRECEDING,
      CURRENT_ROW,
      FOLLOWING,
      UNBOUNDED_FOLLOWING
    }
  }
}
