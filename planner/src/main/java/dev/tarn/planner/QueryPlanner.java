package dev.tarn.planner;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.storage.ListingCache;
import dev.tarn.planner.cost.Cardinality;
import dev.tarn.planner.cost.JoinReordering;
import dev.tarn.planner.cost.ParquetFooters;
import dev.tarn.planner.cost.TableEstimator;
import dev.tarn.planner.physical.ExpressionTranslator;
import dev.tarn.planner.physical.PlanEstimates;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.physical.PlanTranslator;
import dev.tarn.planner.physical.PlannerOptions;
import dev.tarn.planner.rules.DisjunctionFactoring;
import dev.tarn.planner.rules.SemiJoinBelowInnerJoin;
import dev.tarn.planner.rules.SemiJoinIntoAggregate;
import dev.tarn.planner.rules.SetOpAllToDistinct;
import dev.tarn.planner.rules.SubQueryToSemiJoin;
import dev.tarn.planner.schema.LakeSchema;
import dev.tarn.planner.schema.NestedFunctions;
import dev.tarn.planner.schema.TarnTypeSystem;
import dev.tarn.planner.schema.TrinoFunctions;
import dev.tarn.planner.schema.TrinoTypeCoercion;
import dev.tarn.planner.sql.QuerySyntax;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StageSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.CalciteSystemProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.Context;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalciteSqlValidator;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.ValidationException;

/**
 * Plans a query: Calcite validates it against the tables the catalog returned, converts it to
 * relational algebra and pushes predicates down; {@link PlanTranslator} turns the result into
 * {@link PlanNode}s (projection pushdown, partition pruning, file listing); {@link StageSplitter}
 * cuts that into stages at exchanges.
 *
 * <p>Errors are {@link TarnException}s with the query's line:column: TABLE_NOT_FOUND,
 * COLUMN_NOT_FOUND, TYPE_MISMATCH, NOT_SUPPORTED, and SYNTAX_ERROR for text that does not parse.
 */
public final class QueryPlanner {
  private static final Pattern COLUMN_NOT_FOUND =
      Pattern.compile("Column '([^']+)' not found in (any table|table '[^']*')");
  private static final Pattern TABLE_NOT_FOUND =
      Pattern.compile("(?:Object|Table) '([^']+)' not found.*");
  private static final Pattern NO_FUNCTION =
      Pattern.compile("No match found for function signature ([^(]+)\\(.*");
  private static final Pattern CALCITE_COLUMN_NAME = Pattern.compile("EXPR\\$(\\d+)");

  /**
   * Optimizations before unused fields are trimmed away. Programs are built per query: a HepProgram
   * keeps state while it runs, and coordinators plan concurrently.
   */
  private static HepProgram pushDownProgram() {
    return new HepProgramBuilder()
        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
        .addRuleCollection(
            List.of(
                CoreRules.FILTER_INTO_JOIN,
                CoreRules.JOIN_CONDITION_PUSH,
                CoreRules.JOIN_PUSH_EXPRESSIONS,
                CoreRules.FILTER_PROJECT_TRANSPOSE,
                CoreRules.FILTER_MERGE,
                CoreRules.FILTER_REDUCE_EXPRESSIONS,
                CoreRules.PROJECT_REDUCE_EXPRESSIONS,
                CoreRules.PROJECT_MERGE,
                CoreRules.PROJECT_REMOVE,
                CoreRules.AGGREGATE_PROJECT_MERGE))
        .build();
  }

  /**
   * After trimming, a Filter may sit above the Project that narrows a scan: move it below and merge
   * Projects, so that each scan ends up under at most one Filter and one Project.
   */
  private static HepProgram tidyScansProgram() {
    return new HepProgramBuilder()
        .addRuleCollection(
            List.of(
                CoreRules.FILTER_PROJECT_TRANSPOSE,
                CoreRules.FILTER_MERGE,
                CoreRules.PROJECT_MERGE,
                CoreRules.PROJECT_REMOVE))
        .build();
  }

  /**
   * Plans {@code query}.
   *
   * @param tables the snapshots of every table the query names, by {@code "db.table"}
   * @param storage where the scans' files are listed
   * @throws TarnException for every user error, with line:column in the statement
   */
  public DistributedPlan plan(
      Statement.Query query,
      Map<String, TableSnapshot> tables,
      LakeStorage storage,
      PlannerOptions options) {
    return planWithEstimates(query, tables, storage, options).plan();
  }

  /**
   * A plan with the size estimates that shaped it, for EXPLAIN.
   *
   * @param plan the distributed plan
   * @param estimates its nodes' estimated sizes
   */
  public record Planned(DistributedPlan plan, PlanEstimates estimates) {
    public Planned {
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(estimates, "estimates");
    }
  }

  /** Plans {@code query} as {@link #plan} does, and keeps the estimates. */
  public Planned planWithEstimates(
      Statement.Query query,
      Map<String, TableSnapshot> tables,
      LakeStorage storage,
      PlannerOptions options) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(tables, "tables");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(options, "options");
    for (Statement.TableName name : query.tables()) {
      if (!tables.containsKey(name.qualified())) {
        throw new TarnException(
            ErrorCode.TABLE_NOT_FOUND,
            "Table '" + LakeSchema.CATALOG + "." + name.qualified() + "' does not exist",
            name.line(),
            name.column());
      }
    }
    SchemaPlus root = LakeSchema.create(tables, query.defaultDatabase());
    QuerySyntax.Prepared prepared = QuerySyntax.prepare(query.sql());
    RelRoot relRoot;
    try {
      relRoot = toRelational(prepared.text(), root.subSchemas().get(query.defaultDatabase()));
    } catch (SqlParseException e) {
      throw QuerySyntax.syntaxError(e, prepared);
    } catch (ValidationException e) {
      throw validationError(e, prepared, columnNames(query, tables));
    } catch (CalciteContextException e) {
      throw validationError(e, prepared, columnNames(query, tables));
    }
    RelNode optimized;
    // The estimates and the scans both list each table's folders: once is enough.
    LakeStorage listed = new ListingCache(storage);
    Cardinality cardinality = new Cardinality(new TableEstimator(listed, ParquetFooters.SHARED));
    try {
      optimized = optimize(relRoot.project(), cardinality);
    } catch (TarnException e) {
      throw e;
    } catch (RuntimeException e) {
      // A shape Calcite's rewrites cannot handle (a decorrelation it does not implement, say).
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Query shape is not supported: " + (e.getMessage() == null ? e : e.getMessage()),
          e);
    }
    ExpressionTranslator expressions =
        new ExpressionTranslator(optimized.getCluster().getRexBuilder());
    PlanEstimates estimates = new PlanEstimates();
    PlanNode plan =
        new PlanTranslator(listed, expressions, cardinality, estimates).translate(optimized);
    plan = withUserNames(plan, relRoot.validatedRowType.getFieldNames());
    return new Planned(StageSplitter.split(plan, options, estimates), estimates);
  }

  /**
   * Parses, validates and converts {@code text} against {@code defaultSchema}, as Calcite's {@code
   * Frameworks.getPlanner} does with the same settings, without what that planner also builds for
   * every query and Tarn never uses: a cost-based planner loaded with Calcite's default rules, and
   * a second catalog reader. The validator looks functions up only in {@link #OPERATORS}: Tarn's
   * schemas hold tables, no functions.
   *
   * @throws ValidationException wrapping whatever validation threw, as Calcite's planner does
   */
  private static RelRoot toRelational(String text, SchemaPlus defaultSchema)
      throws SqlParseException, ValidationException {
    SqlNode parsed = SqlParser.create(text, QuerySyntax.PARSER_CONFIG).parseStmt();
    JavaTypeFactory typeFactory = new JavaTypeFactoryImpl(TarnTypeSystem.INSTANCE);
    SchemaPlus rootSchema = defaultSchema;
    while (rootSchema.getParentSchema() != null) {
      rootSchema = rootSchema.getParentSchema();
    }
    CalciteCatalogReader catalogReader =
        new CalciteCatalogReader(
            CalciteSchema.from(rootSchema),
            CalciteSchema.from(defaultSchema).path(null),
            typeFactory,
            CONNECTION);
    SqlValidator validator =
        new CalciteSqlValidator(OPERATORS, catalogReader, typeFactory, VALIDATOR);
    SqlNode validated;
    try {
      validated = validator.validate(parsed);
    } catch (RuntimeException e) {
      throw new ValidationException(e);
    }
    // The cluster's planner only lends its context and traits to the relational nodes: Hep
    // planners do the rewriting.
    VolcanoPlanner planner = new VolcanoPlanner(null, CONTEXT);
    planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
    if (CalciteSystemProperty.ENABLE_COLLATION_TRAIT.value()) {
      planner.addRelTraitDef(RelCollationTraitDef.INSTANCE);
    }
    RelOptCluster cluster = RelOptCluster.create(planner, new RexBuilder(typeFactory));
    SqlToRelConverter converter =
        new SqlToRelConverter(
            null, validator, catalogReader, cluster, StandardConvertletTable.INSTANCE, CONVERTER);
    RelRoot relRoot = converter.convertQuery(validated, false, true);
    relRoot = relRoot.withRel(converter.flattenTypes(relRoot.rel, true));
    return relRoot.withRel(
        RelDecorrelator.decorrelateQuery(
            relRoot.rel, CONVERTER.getRelBuilderFactory().create(cluster, null)));
  }

  /**
   * The session settings of every query, as the validator has them too: the catalog reader takes
   * case-insensitive names from here.
   */
  private static final CalciteConnectionConfig CONNECTION = connectionConfig();

  private static final Context CONTEXT = Contexts.of(CONNECTION);

  /** Tarn's functions first, then Calcite's standard ones and three of its library functions. */
  private static final SqlOperatorTable OPERATORS =
      SqlOperatorTables.chain(
          ExpressionTranslator.FUNCTIONS,
          TrinoFunctions.TABLE,
          NestedFunctions.TABLE,
          SqlStdOperatorTable.instance(),
          SqlOperatorTables.of(
              SqlLibraryOperators.LENGTH,
              SqlLibraryOperators.CONCAT_FUNCTION,
              SqlLibraryOperators.SUBSTR_POSTGRESQL));

  private static final SqlValidator.Config VALIDATOR =
      SqlValidator.Config.DEFAULT
          .withConformance(QuerySyntax.CONFORMANCE)
          .withDefaultNullCollation(NullCollation.LAST)
          .withIdentifierExpansion(true)
          // Trino does not convert varchar to numbers or dates behind the user's back: the
          // coercion hooks allow only bare NULLs and dates compared with timestamps.
          .withTypeCoercionEnabled(true)
          .withTypeCoercionFactory(TrinoTypeCoercion::new);

  /** Sub-queries stay RexSubQuery expressions for optimize() to rewrite with its rules. */
  private static final SqlToRelConverter.Config CONVERTER =
      SqlToRelConverter.config()
          .withExpand(false)
          .withTrimUnusedFields(false)
          .withTopDownGeneralDecorrelationEnabled(CONNECTION.topDownGeneralDecorrelationEnabled());

  private static CalciteConnectionConfig connectionConfig() {
    Properties connection = new Properties();
    connection.setProperty(
        CalciteConnectionProperty.CONFORMANCE.camelName(), QuerySyntax.CONFORMANCE.name());
    connection.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    connection.setProperty(
        CalciteConnectionProperty.DEFAULT_NULL_COLLATION.camelName(), NullCollation.LAST.name());
    return new CalciteConnectionConfigImpl(connection);
  }

  /**
   * Rewrites the converted query into the shapes {@link PlanTranslator} knows, then optimizes:
   *
   * <ol>
   *   <li>sub-queries (scalar, IN, EXISTS, also correlated) become joins: NOT IN and [NOT] EXISTS
   *       under a filter become anti/semi joins ({@link SubQueryToSemiJoin}), the rest goes through
   *       Calcite's correlates and its decorrelator;
   *   <li>INTERSECT ALL and EXCEPT ALL number the copies of each row ({@link SetOpAllToDistinct});
   *       UNION (distinct), INTERSECT and EXCEPT become UNION ALL plus aggregates; window calls in
   *       a projection move into a Window node;
   *   <li>predicates are pushed down, common factors are pulled out of ORs and the filters an OR
   *       implies for each join input are added ({@link DisjunctionFactoring}), then pushed down;
   *   <li>semi joins move below inner joins, onto the input their keys come from ({@link
   *       SemiJoinBelowInnerJoin});
   *   <li>each tree of inner joins is reordered by estimated sizes, smaller inputs on the build
   *       side ({@link JoinReordering});
   *   <li>an aggregate joined on its group keys with a much smaller input reads only the rows of
   *       the groups that join ({@link SemiJoinIntoAggregate}); those semi joins move down too, and
   *       filters below them again;
   *   <li>unused columns are trimmed, and what sits above each scan is tidied.
   * </ol>
   */
  static RelNode optimize(RelNode rel, Cardinality cardinality) {
    RelNode current =
        hep(
            SubQueryToSemiJoin.rewrite(rel),
            HepMatchOrder.TOP_DOWN,
            List.of(
                CoreRules.FILTER_SUB_QUERY_TO_CORRELATE,
                CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE,
                CoreRules.JOIN_SUB_QUERY_TO_CORRELATE));
    current =
        RelDecorrelator.decorrelateQuery(
            current, RelFactories.LOGICAL_BUILDER.create(current.getCluster(), null));
    current =
        hep(
            SetOpAllToDistinct.rewrite(current),
            HepMatchOrder.BOTTOM_UP,
            List.of(
                CoreRules.UNION_TO_DISTINCT,
                CoreRules.INTERSECT_TO_DISTINCT,
                CoreRules.MINUS_TO_DISTINCT,
                CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW));
    current = pushDown(DisjunctionFactoring.pullFactors(current));
    // Most queries derive no side filter: the pushdown after reordering is then the second, and
    // the last that changes anything (a filter above a semi join only moves below it in a second
    // pass, TPC-H Q4's, so that one always runs).
    RelNode derived = DisjunctionFactoring.deriveSideFilters(current);
    if (derived != current) {
      current = pushDown(derived);
    }
    current = SemiJoinBelowInnerJoin.apply(current);
    current = pushDown(JoinReordering.reorder(current, cardinality));
    current =
        pushDown(SemiJoinBelowInnerJoin.apply(SemiJoinIntoAggregate.apply(current, cardinality)));
    RelNode trimmed =
        new RelFieldTrimmer(null, RelFactories.LOGICAL_BUILDER.create(current.getCluster(), null))
            .trim(current);
    HepPlanner tidy = new HepPlanner(tidyScansProgram());
    tidy.setRoot(trimmed);
    return tidy.findBestExp();
  }

  private static RelNode pushDown(RelNode rel) {
    HepPlanner planner = new HepPlanner(pushDownProgram());
    planner.setRoot(rel);
    return planner.findBestExp();
  }

  private static RelNode hep(RelNode rel, HepMatchOrder order, List<RelOptRule> rules) {
    HepPlanner planner =
        new HepPlanner(
            new HepProgramBuilder().addMatchOrder(order).addRuleCollection(rules).build());
    planner.setRoot(rel);
    return planner.findBestExp();
  }

  /**
   * Result columns carry the names the user gave them; Calcite's {@code EXPR$n} for an unaliased
   * expression becomes Trino's {@code _coln}.
   */
  private static PlanNode withUserNames(PlanNode plan, List<String> validatedNames) {
    List<String> names = new ArrayList<>(validatedNames.size());
    for (String name : validatedNames) {
      Matcher matcher = CALCITE_COLUMN_NAME.matcher(name);
      names.add(matcher.matches() ? "_col" + matcher.group(1) : name);
    }
    List<Column> columns = plan.outputColumns();
    boolean same = true;
    for (int i = 0; i < columns.size(); i++) {
      same &= columns.get(i).name().equals(names.get(i));
    }
    if (same) {
      return plan;
    }
    if (plan instanceof PlanNode.Project project) {
      return new PlanNode.Project(project.source(), project.expressions(), names);
    }
    if (plan instanceof PlanNode.Aggregate aggregate) {
      List<Column> renamed = new ArrayList<>(columns.size());
      for (int i = 0; i < columns.size(); i++) {
        renamed.add(new Column(names.get(i), columns.get(i).type()));
      }
      int keyCount = aggregate.groupKeys().size();
      List<AggregateCall> calls = new ArrayList<>();
      for (int i = 0; i < aggregate.aggregates().size(); i++) {
        AggregateCall call = aggregate.aggregates().get(i);
        calls.add(
            new AggregateCall(
                call.function(),
                call.argument(),
                call.distinct(),
                call.resultType(),
                names.get(keyCount + i),
                call.parameter()));
      }
      return new PlanNode.Aggregate(
          aggregate.source(), aggregate.groupKeys(), calls, aggregate.step(), renamed);
    }
    List<Expr> references = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      references.add(new Expr.ColumnRef(i, columns.get(i).type()));
    }
    return new PlanNode.Project(plan, references, names);
  }

  /** Every column name of the tables a query names: the candidates for "did you mean". */
  private static List<String> columnNames(
      Statement.Query query, Map<String, TableSnapshot> tables) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    for (Statement.TableName name : query.tables()) {
      TableSnapshot snapshot = tables.get(name.qualified());
      if (snapshot == null) {
        continue;
      }
      for (dev.tarn.core.meta.Column column : snapshot.table().allColumns()) {
        names.add(column.name());
      }
    }
    return new ArrayList<>(names);
  }

  private static TarnException validationError(
      Exception e, QuerySyntax.Prepared prepared, List<String> columnNames) {
    CalciteContextException context = findContext(e);
    if (context == null) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return new TarnException(ErrorCode.INVALID_ARGUMENT, message, e);
    }
    int line = Math.max(context.getPosLine(), 0);
    int column = prepared.originalColumn(line, Math.max(context.getPosColumn(), 0));
    String message =
        context.getCause() != null && context.getCause().getMessage() != null
            ? context.getCause().getMessage()
            : context.getMessage();
    Matcher columnMatch = COLUMN_NOT_FOUND.matcher(message);
    if (columnMatch.find()) {
      return new TarnException(
          ErrorCode.COLUMN_NOT_FOUND,
          dev.tarn.core.error.Suggestions.withSuggestions(
              "Column '" + columnMatch.group(1) + "' cannot be resolved",
              columnMatch.group(1),
              columnNames),
          line,
          column);
    }
    Matcher tableMatch = TABLE_NOT_FOUND.matcher(message);
    if (tableMatch.matches()) {
      return new TarnException(
          ErrorCode.TABLE_NOT_FOUND,
          "Table '" + tableMatch.group(1) + "' does not exist",
          line,
          column);
    }
    Matcher functionMatch = NO_FUNCTION.matcher(message);
    if (functionMatch.matches()) {
      return new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Function '"
              + functionMatch.group(1).toLowerCase(java.util.Locale.ROOT)
              + "' is not registered or does not accept these argument types",
          line,
          column);
    }
    if (message.startsWith("Cannot apply")
        || message.startsWith("Cannot assign")
        || message.contains("cannot be converted")
        || message.contains("Cannot infer return type")
        || message.contains("Cast function cannot convert")
        || message.contains("type")) {
      return new TarnException(ErrorCode.TYPE_MISMATCH, message, line, column);
    }
    return new TarnException(ErrorCode.INVALID_ARGUMENT, message, line, column);
  }

  private static CalciteContextException findContext(Throwable e) {
    Throwable cause = e;
    while (cause != null) {
      if (cause instanceof CalciteContextException context) {
        return context;
      }
      cause = cause.getCause();
    }
    return null;
  }
}
