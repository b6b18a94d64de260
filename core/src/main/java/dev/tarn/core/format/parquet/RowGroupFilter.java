package dev.tarn.core.format.parquet;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.DictionaryPageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Decides from a row group's column statistics (min, max, null count) that no row of it can satisfy
 * a scan's predicate, so that the reader skips the group without reading its pages.
 *
 * <p>Only conjuncts of the predicate's top-level AND are used, each of the form {@code column op
 * literal} (either way round; the column may be under a widening numeric CAST), {@code column IN
 * (literals)}, {@code column IS NULL} or {@code column IS NOT NULL}. Anything else, a column
 * without statistics, or a value this filter cannot compare keeps the row group: the filter only
 * ever skips groups that cannot match, and the Filter above the scan still checks every row.
 *
 * <p>A group the statistics keep may still be ruled out by its dictionaries ({@link
 * #mightMatchDictionaries}): when every data page of a chunk is dictionary encoded, the dictionary
 * lists every value of the chunk, so {@code column = 'x'} cannot hold when {@code 'x'} is not in it
 * even though it lies between the chunk's min and max.
 */
final class RowGroupFilter {
  private enum Op {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    IN,
    IS_NULL,
    IS_NOT_NULL
  }

  /** One usable conjunct over the output column {@code column}. */
  private record Term(int column, Op op, List<Object> values) {}

  private final List<Term> terms;
  private final List<Column> outputColumns;

  private RowGroupFilter(List<Term> terms, List<Column> outputColumns) {
    this.terms = terms;
    this.outputColumns = outputColumns;
  }

  /** The filter for a predicate over the request's output columns, or null if none is usable. */
  static RowGroupFilter of(Expr predicate, List<Column> outputColumns) {
    if (predicate == null) {
      return null;
    }
    List<Term> terms = new ArrayList<>();
    collect(predicate, outputColumns.size(), terms);
    return terms.isEmpty() ? null : new RowGroupFilter(terms, outputColumns);
  }

  private static void collect(Expr expr, int columns, List<Term> terms) {
    if (!(expr instanceof Expr.Call call)) {
      return;
    }
    switch (call.operator()) {
      case AND:
        for (Expr arg : call.args()) {
          collect(arg, columns, terms);
        }
        return;
      case IS_NULL:
      case IS_NOT_NULL:
        int nullColumn = column(call.args().get(0), columns);
        if (nullColumn >= 0) {
          terms.add(
              new Term(
                  nullColumn,
                  call.operator() == Expr.Operator.IS_NULL ? Op.IS_NULL : Op.IS_NOT_NULL,
                  List.of()));
        }
        return;
      case IN:
        int inColumn = column(call.args().get(0), columns);
        List<Object> values = new ArrayList<>();
        for (Expr candidate : call.args().subList(1, call.args().size())) {
          if (!(candidate instanceof Expr.Literal literal) || literal.value() == null) {
            return;
          }
          values.add(literal.value());
        }
        if (inColumn >= 0) {
          terms.add(new Term(inColumn, Op.IN, values));
        }
        return;
      default:
        Op op = comparison(call.operator());
        if (op == null || call.args().size() != 2) {
          return;
        }
        Expr left = call.args().get(0);
        Expr right = call.args().get(1);
        int column = column(left, columns);
        if (column >= 0 && right instanceof Expr.Literal literal && literal.value() != null) {
          terms.add(new Term(column, op, List.of(literal.value())));
          return;
        }
        column = column(right, columns);
        if (column >= 0 && left instanceof Expr.Literal literal && literal.value() != null) {
          terms.add(new Term(column, flip(op), List.of(literal.value())));
        }
    }
  }

  private static Op comparison(Expr.Operator operator) {
    switch (operator) {
      case EQUAL:
        return Op.EQ;
      case NOT_EQUAL:
        return Op.NE;
      case LESS_THAN:
        return Op.LT;
      case LESS_THAN_OR_EQUAL:
        return Op.LE;
      case GREATER_THAN:
        return Op.GT;
      case GREATER_THAN_OR_EQUAL:
        return Op.GE;
      default:
        return null;
    }
  }

  private static Op flip(Op op) {
    switch (op) {
      case LT:
        return Op.GT;
      case LE:
        return Op.GE;
      case GT:
        return Op.LT;
      case GE:
        return Op.LE;
      default:
        return op;
    }
  }

  /** The output column an expression reads directly or through a widening numeric cast, or -1. */
  private static int column(Expr expr, int columns) {
    if (expr instanceof Expr.ColumnRef ref) {
      return ref.index() < columns ? ref.index() : -1;
    }
    if (expr instanceof Expr.Call call
        && call.operator() == Expr.Operator.CAST
        && call.type().isNumeric()
        && call.args().get(0).type().isNumeric()
        && call.args().get(0) instanceof Expr.ColumnRef ref) {
      return ref.index() < columns ? ref.index() : -1;
    }
    return -1;
  }

  /** False only when the statistics prove that no row of the group satisfies the predicate. */
  boolean mightMatch(BlockMetaData block) {
    for (Term term : terms) {
      ColumnChunkMetaData chunk = chunk(block, outputColumns.get(term.column()).name());
      if (chunk != null && !mightMatch(term, chunk, block.getRowCount())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@link #mightMatchDictionaries} could rule out {@code block}: some {@code =} or {@code
   * IN} conjunct is over a chunk whose data pages are all dictionary encoded. Reading the
   * dictionaries costs I/O, so the reader asks this first.
   */
  boolean usesDictionaries(BlockMetaData block) {
    for (Term term : terms) {
      if (term.op() == Op.EQ || term.op() == Op.IN) {
        ColumnChunkMetaData chunk = chunk(block, outputColumns.get(term.column()).name());
        if (chunk != null && dictionaryOnly(chunk)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * False only when some {@code =} or {@code IN} conjunct's column chunk is entirely dictionary
   * encoded and its dictionary, which then holds every non-NULL value of the chunk, holds none of
   * the conjunct's values. Values this filter cannot compare keep the group.
   *
   * @throws IOException when a dictionary page cannot be decoded
   */
  boolean mightMatchDictionaries(BlockMetaData block, DictionaryPageReadStore dictionaries)
      throws IOException {
    for (Term term : terms) {
      if (term.op() != Op.EQ && term.op() != Op.IN) {
        continue;
      }
      ColumnChunkMetaData chunk = chunk(block, outputColumns.get(term.column()).name());
      if (chunk == null || !dictionaryOnly(chunk)) {
        continue;
      }
      // The dictionary reader finds the chunk by its path; levels play no part in a dictionary.
      ColumnDescriptor descriptor =
          new ColumnDescriptor(chunk.getPath().toArray(), chunk.getPrimitiveType(), 0, 0);
      DictionaryPage page = dictionaries.readDictionaryPage(descriptor);
      if (page != null && !holdsAny(page.decode(descriptor), term.values(), descriptor)) {
        return false;
      }
    }
    return true;
  }

  private static boolean dictionaryOnly(ColumnChunkMetaData chunk) {
    EncodingStats stats = chunk.getEncodingStats();
    return stats != null
        && stats.hasDictionaryPages()
        && stats.hasDictionaryEncodedPages()
        && !stats.hasNonDictionaryEncodedPages();
  }

  /** Whether some dictionary value equals some literal, or might (a value it cannot compare). */
  private static boolean holdsAny(
      Dictionary dictionary, List<Object> literals, ColumnDescriptor descriptor) {
    PrimitiveType type = descriptor.getPrimitiveType();
    if (type.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
        && !integer.isSigned()) {
      // Unsigned values would need their own widening; keep the group.
      return true;
    }
    for (int id = 0; id <= dictionary.getMaxId(); id++) {
      Object raw;
      switch (type.getPrimitiveTypeName()) {
        case INT32:
          raw = dictionary.decodeToInt(id);
          break;
        case INT64:
          raw = dictionary.decodeToLong(id);
          break;
        case FLOAT:
          raw = dictionary.decodeToFloat(id);
          break;
        case DOUBLE:
          raw = dictionary.decodeToDouble(id);
          break;
        case BINARY:
        case FIXED_LEN_BYTE_ARRAY:
          raw = dictionary.decodeToBinary(id);
          break;
        default:
          return true;
      }
      Object value = value(raw, type);
      if (value == null) {
        return true;
      }
      for (Object literal : literals) {
        Integer sign = compare(literal, value);
        if (sign == null || sign == 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static ColumnChunkMetaData chunk(BlockMetaData block, String name) {
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      String[] path = chunk.getPath().toArray();
      if (path.length == 1 && path[0].toLowerCase(Locale.ROOT).equals(name)) {
        return chunk;
      }
    }
    return null;
  }

  private static boolean mightMatch(Term term, ColumnChunkMetaData chunk, long rows) {
    Statistics<?> stats = chunk.getStatistics();
    if (stats == null || stats.isEmpty()) {
      return true;
    }
    boolean nullCounted = stats.isNumNullsSet();
    long nulls = nullCounted ? stats.getNumNulls() : -1;
    if (term.op() == Op.IS_NULL) {
      return !nullCounted || nulls > 0;
    }
    if (!stats.hasNonNullValue()) {
      // Every value is NULL: neither IS NOT NULL nor any comparison can hold.
      return false;
    }
    if (term.op() == Op.IS_NOT_NULL) {
      return !nullCounted || nulls < rows;
    }
    PrimitiveType type = chunk.getPrimitiveType();
    Object min = value(stats.genericGetMin(), type);
    Object max = value(stats.genericGetMax(), type);
    if (min == null || max == null) {
      return true;
    }
    for (Object literal : term.values()) {
      Integer low = compare(literal, min);
      Integer high = compare(literal, max);
      if (low == null || high == null) {
        return true;
      }
      boolean possible;
      switch (term.op()) {
        case EQ:
        case IN:
          possible = low >= 0 && high <= 0;
          break;
        case NE:
          possible = !(low == 0 && high == 0);
          break;
        case LT:
          possible = low > 0; // some value < literal iff min < literal
          break;
        case LE:
          possible = low >= 0;
          break;
        case GT:
          possible = high < 0; // some value > literal iff max > literal
          break;
        case GE:
          possible = high <= 0;
          break;
        default:
          possible = true;
      }
      if (possible) {
        return true;
      }
    }
    return false;
  }

  /**
   * A statistics value as the literal conventions of {@link Expr.Literal}: Long for integers, dates
   * (days) and timestamps (microseconds), Double, BigDecimal, or UTF-8 bytes for strings. Null when
   * the type is not one this filter compares.
   */
  private static Object value(Object stat, PrimitiveType type) {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
      BigInteger unscaled;
      if (stat instanceof Integer i) {
        unscaled = BigInteger.valueOf(i);
      } else if (stat instanceof Long l) {
        unscaled = BigInteger.valueOf(l);
      } else if (stat instanceof Binary b) {
        unscaled = new BigInteger(b.getBytes());
      } else {
        return null;
      }
      return new BigDecimal(unscaled, decimal.getScale());
    }
    if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp
        && stat instanceof Long l) {
      switch (timestamp.getUnit()) {
        case MILLIS:
          return l * 1000;
        case MICROS:
          return l;
        case NANOS:
          return Math.floorDiv(l, 1000L);
        default:
          return null;
      }
    }
    if (stat instanceof Integer i) {
      return (long) i;
    }
    if (stat instanceof Long l) {
      return logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
          ? l
          : null;
    }
    if (stat instanceof Float f) {
      return f.isNaN() ? null : (double) f;
    }
    if (stat instanceof Double d) {
      return d.isNaN() ? null : d;
    }
    if (stat instanceof Binary b
        && logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
      return b.getBytes();
    }
    return null;
  }

  /** Sign of literal minus value, or null when the two cannot be compared. */
  private static Integer compare(Object literal, Object value) {
    if (literal instanceof String s && value instanceof byte[] bytes) {
      return Integer.signum(
          java.util.Arrays.compareUnsigned(s.getBytes(StandardCharsets.UTF_8), bytes));
    }
    BigDecimal a = number(literal);
    BigDecimal b = number(value);
    if (a == null || b == null) {
      return null;
    }
    return Integer.signum(a.compareTo(b));
  }

  private static BigDecimal number(Object v) {
    if (v instanceof Long l) {
      return BigDecimal.valueOf(l);
    }
    if (v instanceof Double d) {
      return BigDecimal.valueOf(d);
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    return null;
  }
}
