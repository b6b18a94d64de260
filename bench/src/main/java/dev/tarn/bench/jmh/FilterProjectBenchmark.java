package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.filter.FilterStage;
import dev.tarn.operators.project.ProjectStage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.pekko.stream.javadsl.Source;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Filter and project over the five scanned lineitem columns of SF 0.1, held in memory (so the
 * figure excludes Parquet decoding), run as a task runs them: {@code Source -> FilterStage ->
 * ProjectStage -> sink}.
 *
 * <ul>
 *   <li>{@link #q6FilterProject}: TPC-H Q6's predicate ({@code l_shipdate} in 1994, {@code
 *       l_discount BETWEEN 0.05 AND 0.07}, {@code l_quantity < 24}; about 2% of the rows pass),
 *       then {@code l_extendedprice * l_discount}.
 *   <li>{@link #project}: no filter; every row gets Q1's {@code l_extendedprice * (1 - l_discount)}
 *       (exact decimal arithmetic) next to two passed-through columns.
 *   <li>{@link #q1Filter}: Q1's {@code l_shipdate <= DATE '1998-09-02'} over Q1's seven columns
 *       (four decimals, two varchar(1) flags, the date); about 98.6% of the rows pass, so nearly
 *       every batch is copied.
 *   <li>{@link #q1FilterProject}: that filter, then Q1's projection (the flags, the decimals and
 *       both derived prices).
 *   <li>{@link #decimalProject}: no filter; Q1's two derived prices, {@code l_extendedprice * (1 -
 *       l_discount)} and {@code l_extendedprice * (1 - l_discount) * (1 + l_tax)}.
 * </ul>
 */
public class FilterProjectBenchmark extends OperatorBenchmark {
  private static final SqlType MONEY = SqlType.decimal(12, 2);
  private static final Expr QUANTITY = new Expr.ColumnRef(0, MONEY);
  private static final Expr PRICE = new Expr.ColumnRef(1, MONEY);
  private static final Expr DISCOUNT = new Expr.ColumnRef(2, MONEY);
  private static final Expr SHIPDATE = new Expr.ColumnRef(3, SqlType.DATE);
  private static final Expr RETURNFLAG = new Expr.ColumnRef(4, SqlType.VARCHAR);

  /** Q1's columns, in the order of {@link #Q1_COLUMNS}. */
  private static final List<String> Q1_COLUMNS =
      List.of(
          "l_quantity",
          "l_extendedprice",
          "l_discount",
          "l_tax",
          "l_returnflag",
          "l_linestatus",
          "l_shipdate");

  private static final Expr Q1_QUANTITY = new Expr.ColumnRef(0, MONEY);
  private static final Expr Q1_PRICE = new Expr.ColumnRef(1, MONEY);
  private static final Expr Q1_DISCOUNT = new Expr.ColumnRef(2, MONEY);
  private static final Expr Q1_TAX = new Expr.ColumnRef(3, MONEY);
  private static final Expr Q1_RETURNFLAG = new Expr.ColumnRef(4, SqlType.VARCHAR);
  private static final Expr Q1_LINESTATUS = new Expr.ColumnRef(5, SqlType.VARCHAR);
  private static final Expr Q1_SHIPDATE = new Expr.ColumnRef(6, SqlType.DATE);

  private List<Batch> lineitem;
  private List<Column> columns;
  private FilterStage q6Filter;
  private ProjectStage q6Project;
  private ProjectStage discountedPrice;
  private List<Batch> q1Lineitem;
  private FilterStage q1ShipdateFilter;
  private ProjectStage q1Project;
  private ProjectStage q1Prices;

  @Setup(Level.Trial)
  public void setUp() {
    openMemory("lineitem", "jmh-filter-project");
    lineitem = LineitemData.read(LineitemData.file(), LineitemData.SCAN_COLUMNS, input);
    columns = LineitemData.request(LineitemData.SCAN_COLUMNS).outputColumns();

    Expr q6 =
        call(
            Operator.AND,
            SqlType.BOOLEAN,
            call(Operator.GREATER_THAN_OR_EQUAL, SqlType.BOOLEAN, SHIPDATE, date("1994-01-01")),
            call(Operator.LESS_THAN, SqlType.BOOLEAN, SHIPDATE, date("1995-01-01")),
            call(Operator.GREATER_THAN_OR_EQUAL, SqlType.BOOLEAN, DISCOUNT, money("0.05")),
            call(Operator.LESS_THAN_OR_EQUAL, SqlType.BOOLEAN, DISCOUNT, money("0.07")),
            call(Operator.LESS_THAN, SqlType.BOOLEAN, QUANTITY, money("24.00")));
    q6Filter = new FilterStage(q6, columns, operators, new OperatorStats("Filter"));
    Expr revenue = call(Operator.MULTIPLY, SqlType.decimal(24, 4), PRICE, DISCOUNT);
    q6Project =
        new ProjectStage(
            List.of(revenue), List.of("revenue"), columns, operators, new OperatorStats("Project"));

    // Trino's types: 1 - decimal(12,2) is decimal(13,2); times decimal(12,2) is decimal(25,4).
    Expr oneMinusDiscount =
        call(
            Operator.SUBTRACT,
            SqlType.decimal(13, 2),
            new Expr.Literal(BigDecimal.ONE, SqlType.decimal(1, 0)),
            DISCOUNT);
    Expr discounted = call(Operator.MULTIPLY, SqlType.decimal(25, 4), PRICE, oneMinusDiscount);
    discountedPrice =
        new ProjectStage(
            List.of(RETURNFLAG, QUANTITY, discounted),
            List.of("l_returnflag", "l_quantity", "disc_price"),
            columns,
            operators,
            new OperatorStats("Project"));

    q1Lineitem = LineitemData.read(LineitemData.file(), Q1_COLUMNS, input);
    List<Column> q1Columns = LineitemData.request(Q1_COLUMNS).outputColumns();
    q1ShipdateFilter =
        new FilterStage(
            call(Operator.LESS_THAN_OR_EQUAL, SqlType.BOOLEAN, Q1_SHIPDATE, date("1998-09-02")),
            q1Columns,
            operators,
            new OperatorStats("Filter"));
    Expr q1Discounted =
        call(
            Operator.MULTIPLY,
            SqlType.decimal(25, 4),
            Q1_PRICE,
            call(
                Operator.SUBTRACT,
                SqlType.decimal(13, 2),
                new Expr.Literal(BigDecimal.ONE, SqlType.decimal(1, 0)),
                Q1_DISCOUNT));
    // decimal(25,4) times decimal(13,2) is decimal(38,6) in Trino's rules.
    Expr q1Charge =
        call(
            Operator.MULTIPLY,
            SqlType.decimal(38, 6),
            q1Discounted,
            call(
                Operator.ADD,
                SqlType.decimal(13, 2),
                new Expr.Literal(BigDecimal.ONE, SqlType.decimal(1, 0)),
                Q1_TAX));
    q1Project =
        new ProjectStage(
            List.of(
                Q1_RETURNFLAG,
                Q1_LINESTATUS,
                Q1_QUANTITY,
                Q1_PRICE,
                q1Discounted,
                q1Charge,
                Q1_DISCOUNT),
            List.of(
                "l_returnflag",
                "l_linestatus",
                "l_quantity",
                "l_extendedprice",
                "disc_price",
                "charge",
                "l_discount"),
            q1Columns,
            operators,
            new OperatorStats("Project"));
    q1Prices =
        new ProjectStage(
            List.of(q1Discounted, q1Charge),
            List.of("disc_price", "charge"),
            q1Columns,
            operators,
            new OperatorStats("Project"));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    LineitemData.closeAll(lineitem);
    LineitemData.closeAll(q1Lineitem);
    closeMemory();
  }

  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long q6FilterProject() {
    return streams.drain(
        Source.from(OperatorStreams.handOver(lineitem, operators)).via(q6Filter).via(q6Project));
  }

  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long project() {
    return streams.drain(
        Source.from(OperatorStreams.handOver(lineitem, operators)).via(discountedPrice));
  }

  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long q1Filter() {
    return streams.drain(
        Source.from(OperatorStreams.handOver(q1Lineitem, operators)).via(q1ShipdateFilter));
  }

  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long q1FilterProject() {
    return streams.drain(
        Source.from(OperatorStreams.handOver(q1Lineitem, operators))
            .via(q1ShipdateFilter)
            .via(q1Project));
  }

  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long decimalProject() {
    return streams.drain(
        Source.from(OperatorStreams.handOver(q1Lineitem, operators)).via(q1Prices));
  }

  private static Expr call(Operator operator, SqlType type, Expr... args) {
    return new Expr.Call(operator, List.of(args), type);
  }

  private static Expr date(String text) {
    return new Expr.Literal(LocalDate.parse(text).toEpochDay(), SqlType.DATE);
  }

  private static Expr money(String text) {
    return new Expr.Literal(new BigDecimal(text), MONEY);
  }
}
