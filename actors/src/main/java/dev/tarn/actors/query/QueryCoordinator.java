package dev.tarn.actors.query;

import dev.tarn.actors.exchange.ExchangeInput;
import dev.tarn.actors.stage.StageActor;
import dev.tarn.actors.stage.StageScheduler;
import dev.tarn.actors.task.TaskManager;
import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.planner.QueryPlanner;
import dev.tarn.planner.explain.PlanPrinter;
import dev.tarn.planner.physical.PlanEstimates;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.sql.StatementParser;
import dev.tarn.planner.stages.DistributedPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per query, a child of the {@link QueryManager}: parses the statement, runs DDL against the
 * catalog (ANALYZE: runs its aggregate query as below, then stores the statistics; see {@code
 * analyzeTable}), or fetches the named tables, plans the query, starts a {@link StageActor} per
 * stage (all at once; each stage is handed its producers' stream references when they all run),
 * reads the root stage's output into result pages and serves them to {@link Fetch}es. It stops
 * itself once the result has been fetched or its retention time has passed, and fails the query
 * after the query timeout.
 *
 * <pre>
 *   PLANNING -> RUNNING -> FINISHED | FAILED -> (stopped after the last fetch or retention)
 * </pre>
 */
public final class QueryCoordinator extends AbstractBehavior<QueryCoordinator.Command> {
  private static final Logger LOG = LoggerFactory.getLogger(QueryCoordinator.class);
  private static final int PAGE_ROWS = 4096;
  private static final Duration LONG_POLL = Duration.ofMillis(500);
  private static final Duration AFTER_LAST_FETCH = Duration.ofSeconds(10);
  private static final Duration WORKER_WAIT = Duration.ofSeconds(30);
  private static final Duration STAGE_REPORT_WAIT = Duration.ofSeconds(2);

  /** Messages a query coordinator handles. */
  public sealed interface Command extends TarnMessage {}

  /** Asks for the page after the one whose next token was {@code token}. */
  public record Fetch(long token, ActorRef<QueryResults> replyTo) implements Command {}

  /** Cancels the query. */
  public record Cancel() implements Command {}

  // Internal messages stay inside this JVM (they carry live objects), hence no serialization.
  private record StatementDone(StatementResult result, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record TablesFetched(Map<String, TableSnapshot> tables, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record AnalyzeTableFetched(
      Statement.Analyze statement, TableSnapshot snapshot, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record WorkersFound(Receptionist.Listing listing)
      implements Command, NoSerializationVerificationNeeded {}

  private record FromStage(StageActor.Event event)
      implements Command, NoSerializationVerificationNeeded {}

  private record ResultRows(List<List<Object>> rows)
      implements Command, NoSerializationVerificationNeeded {}

  private record ResultEnded(Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record FetchTimedOut(long token, ActorRef<QueryResults> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  private enum Timeout implements Command, NoSerializationVerificationNeeded {
    QUERY,
    RETENTION,
    FIND_WORKERS,
    STREAM_FAILURE
  }

  /** The rows and metadata of a statement that does not run through stages. */
  record StatementResult(
      List<Column> columns, List<List<Object>> rows, String updateType, String setSchema) {}

  private enum State {
    PLANNING,
    RUNNING,
    FINISHED,
    FAILED
  }

  private final String queryId;
  private final String sql;
  private final String database;
  private final QueryContext context;
  private final TimerScheduler<Command> timers;
  private final BufferAllocator allocator;
  private final long startNanos = System.nanoTime();
  private final List<List<List<Object>>> pages = new ArrayList<>();
  private final List<PendingFetch> pending = new ArrayList<>();
  private final Map<Integer, List<List<org.apache.pekko.stream.SourceRef<byte[]>>>> stageOutputs =
      new HashMap<>();
  private final Map<Integer, ActorRef<StageActor.Command>> stages = new HashMap<>();
  private final Set<Integer> connected = new HashSet<>();
  private final List<OperatorStats.Snapshot> operatorStats = new ArrayList<>();
  private final Map<Integer, List<OperatorStats.Snapshot>> stageStats = new HashMap<>();
  private boolean analyze;

  /** The one column of EXPLAIN and EXPLAIN ANALYZE, as Trino names it. */
  private static final List<Column> QUERY_PLAN =
      List.of(new Column("Query Plan", dev.tarn.core.type.SqlType.VARCHAR));

  private long planningNanos;
  private long resultRows;
  private List<List<Object>> currentPage = new ArrayList<>();
  private State state = State.PLANNING;
  private List<Column> columns;
  private String updateType;
  private String setSchema;
  private ErrorInfo error;
  private DistributedPlan plan;
  private PlanEstimates estimates = PlanEstimates.NONE;
  private StageScheduler scheduler;
  private int stagesFinished;
  private boolean resultEnded;
  private Throwable resultFailure;
  private int totalSplits;
  private boolean explainOnly;
  private Statement.Query pendingQuery;
  private List<ActorRef<TaskManager.Command>> workers;
  private final List<ActorRef<TaskManager.Command>> knownWorkers;
  // ANALYZE: the aggregate this query runs, its result row, and whether the catalog was asked.
  private AnalyzeQuery analyzing;
  private final List<List<Object>> analyzedRows = new ArrayList<>();
  private boolean storingStatistics;

  private record PendingFetch(long token, ActorRef<QueryResults> replyTo) {}

  /**
   * @param knownWorkers the cluster's task managers as the query manager last heard of them; when
   *     empty (the cluster is still forming) the coordinator asks the receptionist itself
   */
  public static Behavior<Command> create(
      String queryId,
      String sql,
      String database,
      QueryContext context,
      List<ActorRef<TaskManager.Command>> knownWorkers) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new QueryCoordinator(
                        ctx, timers, queryId, sql, database, context, knownWorkers)));
  }

  private QueryCoordinator(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String queryId,
      String sql,
      String database,
      QueryContext context,
      List<ActorRef<TaskManager.Command>> knownWorkers) {
    super(ctx);
    this.queryId = queryId;
    this.knownWorkers = knownWorkers;
    this.sql = sql;
    this.database = database;
    this.context = context;
    this.timers = timers;
    this.allocator = context.allocator().newChildAllocator("query-" + queryId, 0, Long.MAX_VALUE);
    timers.startSingleTimer(Timeout.QUERY, Timeout.QUERY, context.queryTimeout());
    try {
      Statement statement = StatementParser.parse(sql, database);
      LOG.debug("query {} started: {}", queryId, statement.getClass().getSimpleName());
      begin(statement);
    } catch (RuntimeException e) {
      fail(ErrorInfo.of(e));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Fetch.class, this::onFetch)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(StatementDone.class, this::onStatementDone)
        .onMessage(TablesFetched.class, this::onTablesFetched)
        .onMessage(AnalyzeTableFetched.class, this::onAnalyzeTableFetched)
        .onMessage(WorkersFound.class, this::onWorkersFound)
        .onMessage(FromStage.class, this::onStageEvent)
        .onMessage(ResultRows.class, this::onResultRows)
        .onMessage(ResultEnded.class, this::onResultEnded)
        .onMessage(FetchTimedOut.class, this::onFetchTimedOut)
        .onMessageEquals(Timeout.QUERY, this::onQueryTimeout)
        .onMessageEquals(Timeout.RETENTION, Behaviors::stopped)
        .onMessageEquals(
            Timeout.STREAM_FAILURE,
            () -> {
              // No stage reported a failure of its own: the stream's error is all there is.
              fail(ErrorInfo.of(resultFailure));
              return this;
            })
        .onMessageEquals(
            Timeout.FIND_WORKERS,
            () -> {
              findWorkers();
              return this;
            })
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // ---- statements

  private void begin(Statement statement) {
    if (statement instanceof Statement.Query query) {
      fetchTables(query);
    } else if (statement instanceof Statement.Explain explain) {
      fetchTables(explain.query());
      explainOnly = !explain.analyze();
      analyze = explain.analyze();
    } else if (statement instanceof Statement.Analyze analyzeStatement) {
      analyzeTable(analyzeStatement);
    } else {
      CompletionStage<StatementResult> done =
          new DdlExecutor(context.catalog(), context.storage()).execute(statement);
      getContext().pipeToSelf(done, StatementDone::new);
    }
  }

  private void fetchTables(Statement.Query query) {
    Map<String, CompletableFuture<TableSnapshot>> futures = new HashMap<>();
    for (Statement.TableName name : query.tables()) {
      futures.computeIfAbsent(
          name.qualified(), key -> TableLookup.get(context.catalog(), name).toCompletableFuture());
    }
    CompletableFuture<Map<String, TableSnapshot>> all =
        CompletableFuture.allOf(futures.values().toArray(new CompletableFuture<?>[0]))
            .thenApply(
                ignored -> {
                  Map<String, TableSnapshot> tables = new HashMap<>();
                  futures.forEach((key, future) -> tables.put(key, future.join()));
                  return tables;
                });
    pendingQuery = query;
    getContext().pipeToSelf(all, TablesFetched::new);
  }

  // ---- ANALYZE

  /**
   * ANALYZE runs as this coordinator's own query: fetch the table, plan {@link AnalyzeQuery}'s
   * aggregate over it as if the user had sent it (so it is distributed, memory-bounded and reports
   * bad files like any query), keep its one result row instead of paging it, and once every stage
   * has finished store the statistics in the catalog and answer Trino's update count. A failure
   * anywhere fails the statement before the catalog is written, so earlier statistics stay.
   *
   * <pre>
   *   Analyze -> TableLookup -> AnalyzeTableFetched -> plan, run (PLANNING, RUNNING)
   *           -> maybeFinish: catalog.setStatistics -> StatementDone(rows) -> FINISHED
   * </pre>
   */
  private void analyzeTable(Statement.Analyze statement) {
    getContext()
        .pipeToSelf(
            TableLookup.get(context.catalog(), statement.table()),
            (snapshot, failure) -> new AnalyzeTableFetched(statement, snapshot, failure));
  }

  private Behavior<Command> onAnalyzeTableFetched(AnalyzeTableFetched fetched) {
    if (state != State.PLANNING) {
      return this;
    }
    if (fetched.failure() != null) {
      fail(ErrorInfo.of(fetched.failure()));
      return this;
    }
    analyzing = AnalyzeQuery.of(fetched.snapshot());
    try {
      pendingQuery = (Statement.Query) StatementParser.parse(analyzing.sql(), database);
    } catch (RuntimeException e) {
      fail(ErrorInfo.of(e));
      return this;
    }
    return onTablesFetched(
        new TablesFetched(
            Map.of(fetched.statement().table().qualified(), fetched.snapshot()), null));
  }

  /** The aggregate has finished: store what it found, then answer. */
  private void storeStatistics() {
    storingStatistics = true;
    CompletionStage<StatementResult> stored;
    try {
      var statistics = analyzing.statistics(analyzedRows, System.currentTimeMillis());
      stored =
          context
              .catalog()
              .setStatistics(analyzing.snapshot(), statistics)
              .thenApply(
                  ignored ->
                      new StatementResult(
                          List.of(new Column("rows", dev.tarn.core.type.SqlType.BIGINT)),
                          List.of(List.<Object>of(statistics.rowCount())),
                          "ANALYZE",
                          null));
    } catch (RuntimeException e) {
      stored = CompletableFuture.failedFuture(e);
    }
    getContext().pipeToSelf(stored, StatementDone::new);
  }

  private Behavior<Command> onStatementDone(StatementDone done) {
    if (state == State.FINISHED || state == State.FAILED) {
      // Timed out or canceled while the catalog worked: the query's outcome is already told.
      return this;
    }
    if (done.failure() != null) {
      fail(ErrorInfo.of(done.failure()));
    } else {
      StatementResult result = done.result();
      columns = result.columns();
      updateType = result.updateType();
      setSchema = result.setSchema();
      for (List<Object> row : result.rows()) {
        addRow(row);
      }
      finish();
    }
    return this;
  }

  private Behavior<Command> onTablesFetched(TablesFetched fetched) {
    if (state != State.PLANNING) {
      return this;
    }
    if (fetched.failure() != null) {
      fail(ErrorInfo.of(fetched.failure()));
      return this;
    }
    try {
      long planningStart = System.nanoTime();
      QueryPlanner.Planned planned =
          new QueryPlanner()
              .planWithEstimates(
                  pendingQuery, fetched.tables(), context.storage(), context.planner());
      plan = planned.plan();
      estimates = planned.estimates();
      planningNanos = System.nanoTime() - planningStart;
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      // Calcite signals some unsupported shapes with assertions, and a deeply nested query can
      // overflow its recursion: either must fail this query, not stop the coordinator unanswered.
      LOG.warn("query {} planning failed", queryId, e);
      fail(ErrorInfo.of(e));
      return this;
    }
    if (explainOnly) {
      columns = QUERY_PLAN;
      addRow(List.of(PlanPrinter.explain(plan, estimates)));
      finish();
      return this;
    }
    // EXPLAIN ANALYZE answers one text column, and clients learn the columns from the first page.
    columns = analyze ? QUERY_PLAN : plan.columns();
    if (knownWorkers.isEmpty()) {
      findWorkers();
    } else {
      startOn(knownWorkers);
    }
    return this;
  }

  private void findWorkers() {
    ActorRef<Receptionist.Listing> adapter =
        getContext().messageAdapter(Receptionist.Listing.class, WorkersFound::new);
    getContext()
        .getSystem()
        .receptionist()
        .tell(Receptionist.find(TaskManager.SERVICE_KEY, adapter));
  }

  // ---- stages

  private Behavior<Command> onWorkersFound(WorkersFound found) {
    if (state != State.PLANNING) {
      return this;
    }
    List<ActorRef<TaskManager.Command>> workers =
        new ArrayList<>(found.listing().getServiceInstances(TaskManager.SERVICE_KEY));
    if (workers.isEmpty()) {
      // Workers register with the receptionist as they join; a query submitted just after the
      // cluster formed waits for them a little before giving up.
      if (elapsedMillis() < WORKER_WAIT.toMillis()) {
        timers.startSingleTimer(Timeout.FIND_WORKERS, Timeout.FIND_WORKERS, Duration.ofMillis(100));
      } else {
        fail(
            new ErrorInfo(
                ErrorCode.INTERNAL_ERROR,
                "no worker node joined the cluster within " + WORKER_WAIT.toSeconds() + " s",
                0,
                0));
      }
      return this;
    }
    startOn(workers);
    return this;
  }

  /** Starts the planned query's stages on {@code found}, placed in a stable order. */
  private void startOn(List<ActorRef<TaskManager.Command>> found) {
    List<ActorRef<TaskManager.Command>> workers = new ArrayList<>(found);
    workers.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
    this.workers = workers;
    scheduler =
        new StageScheduler(plan, context.scanParallelism(), context.planner().hashPartitions());
    for (var stage : plan.stages()) {
      totalSplits += StageScheduler.scanFiles(stage.fragment()).size();
    }
    state = State.RUNNING;
    startStages();
  }

  /**
   * Starts every stage at once, leaves first so that their scans begin soonest. A stage's tasks
   * cannot read their children yet: {@link #connectReadyStages} hands them their inputs once the
   * children run, so starting a query costs one round of task starts, not one per level of stages.
   */
  private void startStages() {
    ActorRef<StageActor.Event> self =
        getContext().messageAdapter(StageActor.Event.class, FromStage::new);
    for (int stageId : scheduler.startOrder()) {
      stages.put(
          stageId,
          getContext()
              .spawn(
                  StageActor.create(scheduler.tasks(queryId, stageId), workers, self),
                  "stage-" + stageId));
    }
  }

  /** Sends their inputs to the stages whose children all run and that have not got them yet. */
  private void connectReadyStages() {
    for (var stage : plan.stages()) {
      if (stage.children().isEmpty() || connected.contains(stage.id())) {
        continue;
      }
      boolean ready = true;
      for (int child : stage.children()) {
        ready &= stageOutputs.containsKey(child);
      }
      if (ready) {
        connected.add(stage.id());
        stages
            .get(stage.id())
            .tell(new StageActor.Inputs(scheduler.inputs(stage.id(), stageOutputs)));
      }
    }
  }

  private Behavior<Command> onStageEvent(FromStage message) {
    StageActor.Event event = message.event();
    if (event instanceof StageActor.Started started) {
      stageOutputs.put(started.stageId(), started.outputs());
      if (started.stageId() == 0) {
        readResult(started.outputs().get(0).get(0));
      } else if (state == State.RUNNING) {
        connectReadyStages();
      }
    } else if (event instanceof StageActor.Finished finished) {
      operatorStats.addAll(finished.stats());
      stageStats.put(finished.stageId(), finished.stats());
      stagesFinished++;
      maybeFinish();
    } else if (event instanceof StageActor.Failed failed) {
      if (failed.error().code() == ErrorCode.UPSTREAM_TASK_FAILED) {
        awaitFirstFailure(failed.error().toException());
      } else {
        fail(failed.error());
      }
    }
    return this;
  }

  private void readResult(org.apache.pekko.stream.SourceRef<byte[]> ref) {
    ActorRef<Command> self = getContext().getSelf();
    ExchangeInput.source(List.of(ref), plan.columns(), allocator)
        .map(
            batch -> {
              try (Batch owned = batch) {
                return BatchRows.toRows(owned);
              }
            })
        .runWith(Sink.foreach(rows -> self.tell(new ResultRows(rows))), getContext().getSystem())
        // Told from the stream's own thread (see ExchangeOutput on Pekko's completion futures).
        .whenCompleteAsync((done, failure) -> self.tell(new ResultEnded(failure)), Runnable::run);
  }

  private Behavior<Command> onResultRows(ResultRows rows) {
    if (state == State.RUNNING) {
      resultRows += rows.rows().size();
      if (analyzing != null) {
        analyzedRows.addAll(rows.rows());
      } else if (!analyze) {
        for (List<Object> row : rows.rows()) {
          addRow(row);
        }
        answerPending();
      }
    }
    return this;
  }

  private Behavior<Command> onResultEnded(ResultEnded ended) {
    if (ended.failure() != null) {
      // A task's failure also reaches here through the stream references, as an opaque
      // "remote stream failed" error; its stage reports the real one (file, row) a moment later.
      awaitFirstFailure(ended.failure());
    } else {
      resultEnded = true;
      maybeFinish();
    }
    return this;
  }

  /**
   * A failure that only echoes another task's (through stream references): fail with it only if the
   * first failure has not been reported within a moment.
   */
  private void awaitFirstFailure(Throwable echo) {
    if (resultFailure == null) {
      resultFailure = echo;
      timers.startSingleTimer(Timeout.STREAM_FAILURE, Timeout.STREAM_FAILURE, STAGE_REPORT_WAIT);
    }
  }

  private void maybeFinish() {
    if (state == State.RUNNING && resultEnded && stagesFinished == plan.stages().size()) {
      if (analyzing != null) {
        if (!storingStatistics) {
          storeStatistics();
        }
        return;
      }
      if (analyze) {
        addRow(List.of(analyzedPlan()));
      }
      finish();
    }
  }

  /**
   * EXPLAIN ANALYZE text: planning and run time, then each stage with its operators as they ran,
   * summed over the stage's tasks, indented as the fragment's tree.
   */
  private String analyzedPlan() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            java.util.Locale.ROOT,
            "Query %s: planning %.1f ms, total %d ms, %d result rows, %d of %d files read%n",
            queryId,
            planningNanos / 1e6,
            elapsedMillis(),
            resultRows,
            filesRead(),
            totalSplits));
    for (var stage : plan.stages()) {
      text.append(
          String.format(
              "Stage %d [%s, %d tasks] output=%s%n",
              stage.id(),
              stage.distribution(),
              scheduler.taskCount(stage.id()),
              stage.output().kind()));
      List<OperatorStats.Snapshot> ran = stageStats.getOrDefault(stage.id(), List.of());
      List<Integer> depths = new ArrayList<>();
      preOrderDepths(stage.fragment(), 0, depths);
      for (int i = 0; i < ran.size(); i++) {
        int depth = i < depths.size() ? depths.get(i) : 0;
        text.append("  ".repeat(depth + 1)).append(ran.get(i).explainLine()).append('\n');
      }
    }
    return text.toString();
  }

  private static void preOrderDepths(
      dev.tarn.planner.physical.PlanNode node, int depth, List<Integer> out) {
    out.add(depth);
    for (var source : node.sources()) {
      preOrderDepths(source, depth + 1, out);
    }
  }

  // ---- results and paging

  private void addRow(List<Object> row) {
    currentPage.add(row);
    if (currentPage.size() >= PAGE_ROWS) {
      pages.add(currentPage);
      currentPage = new ArrayList<>();
    }
  }

  private void finish() {
    if (!currentPage.isEmpty()) {
      pages.add(currentPage);
      currentPage = new ArrayList<>();
    }
    state = State.FINISHED;
    if (plan == null || explainOnly) {
      LOG.info(
          "query {} finished in {} ms: {}",
          queryId,
          elapsedMillis(),
          updateType != null ? updateType : pages.stream().mapToInt(List::size).sum() + " rows");
    } else {
      LOG.info(
          "query {} finished in {} ms: {} rows, {} of {} files read",
          queryId,
          elapsedMillis(),
          pages.stream().mapToInt(List::size).sum(),
          filesRead(),
          totalSplits);
    }
    endQuery();
  }

  private void fail(ErrorInfo info) {
    if (state == State.FINISHED || state == State.FAILED) {
      return;
    }
    error = info;
    state = State.FAILED;
    pages.clear();
    currentPage = new ArrayList<>();
    if (info.code() == ErrorCode.INTERNAL_ERROR) {
      LOG.error("query {} failed: {}", queryId, info.message());
    } else {
      LOG.info("query {} failed: {} {}", queryId, info.code(), info.message());
    }
    for (ActorRef<StageActor.Command> stage : stages.values()) {
      stage.tell(new StageActor.Cancel("query " + queryId + " failed"));
    }
    endQuery();
  }

  private void endQuery() {
    timers.cancel(Timeout.QUERY);
    timers.startSingleTimer(Timeout.RETENTION, Timeout.RETENTION, context.resultRetention());
    answerPending();
  }

  private Behavior<Command> onFetch(Fetch fetch) {
    if (!answer(fetch.token(), fetch.replyTo())) {
      pending.add(new PendingFetch(fetch.token(), fetch.replyTo()));
      timers.startSingleTimer(
          new FetchTimedOut(fetch.token(), fetch.replyTo()),
          new FetchTimedOut(fetch.token(), fetch.replyTo()),
          LONG_POLL);
    }
    return this;
  }

  private Behavior<Command> onFetchTimedOut(FetchTimedOut timedOut) {
    PendingFetch key = new PendingFetch(timedOut.token(), timedOut.replyTo());
    if (pending.remove(key)) {
      // Nothing new yet: an empty page that asks for the same token again.
      timedOut.replyTo().tell(page(timedOut.token(), List.of(), timedOut.token()));
    }
    return this;
  }

  private void answerPending() {
    pending.removeIf(p -> answer(p.token(), p.replyTo()));
  }

  /** Replies if the page for {@code token} is ready or the query has ended. */
  private boolean answer(long token, ActorRef<QueryResults> replyTo) {
    boolean ended = state == State.FINISHED || state == State.FAILED;
    if (token < pages.size()) {
      boolean last = ended && token + 1 >= pages.size();
      replyTo.tell(page(token, pages.get((int) token), last ? -1 : token + 1));
      if (last) {
        lastPageDelivered();
      }
      return true;
    }
    if (ended) {
      replyTo.tell(page(token, List.of(), -1));
      lastPageDelivered();
      return true;
    }
    return false;
  }

  private void lastPageDelivered() {
    timers.startSingleTimer(Timeout.RETENTION, Timeout.RETENTION, AFTER_LAST_FETCH);
  }

  QueryResults page(long token, List<List<Object>> rows, long nextToken) {
    return new QueryResults(
        queryId,
        state.name(),
        state == State.FAILED ? null : columns,
        rows,
        nextToken,
        error,
        updateType,
        setSchema,
        stats());
  }

  /** The first reply to a submission: the query is queued, fetch token 0 next. */
  QueryResults firstPage() {
    return page(0, List.of(), 0);
  }

  private QueryResults.QueryStats stats() {
    long rows = 0;
    long bytes = 0;
    for (OperatorStats.Snapshot s : operatorStats) {
      if (s.name().equals("Scan")) {
        rows += s.rowsOut();
        bytes += s.bytesRead();
      }
    }
    return new QueryResults.QueryStats(elapsedMillis(), rows, bytes, filesRead(), totalSplits);
  }

  private int filesRead() {
    long files = 0;
    for (OperatorStats.Snapshot s : operatorStats) {
      files += s.filesOpened();
    }
    return (int) files;
  }

  private long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    fail(new ErrorInfo(ErrorCode.QUERY_CANCELLED, "Query was canceled", 0, 0));
    return this;
  }

  private Behavior<Command> onQueryTimeout() {
    fail(
        new ErrorInfo(
            ErrorCode.QUERY_TIMEOUT,
            "Query exceeded the maximum run time of " + context.queryTimeout(),
            0,
            0));
    return this;
  }

  private Behavior<Command> onPostStop() {
    for (ActorRef<StageActor.Command> stage : stages.values()) {
      stage.tell(new StageActor.Cancel("query " + queryId + " stopped"));
    }
    try {
      allocator.close();
    } catch (IllegalStateException leak) {
      LOG.error("query {} leaked Arrow memory: {}", queryId, leak.getMessage());
    }
    return this;
  }

  /** For tests and logs: the statement text. */
  String sql() {
    return sql;
  }

  String database() {
    return database;
  }
}
