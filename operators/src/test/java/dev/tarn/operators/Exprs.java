package dev.tarn.operators;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import java.util.List;

/** Short builders for expressions in tests. */
public final class Exprs {
  private Exprs() {}

  public static Expr col(int index, SqlType type) {
    return new Expr.ColumnRef(index, type);
  }

  public static Expr lit(Object value, SqlType type) {
    return new Expr.Literal(value, type);
  }

  public static Expr call(Operator op, SqlType type, Expr... args) {
    return new Expr.Call(op, List.of(args), type);
  }

  public static Expr bool(Operator op, Expr... args) {
    return new Expr.Call(op, List.of(args), SqlType.BOOLEAN);
  }
}
