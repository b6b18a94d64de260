package dev.tarn.actors.query;

import dev.tarn.catalog.protocol.CatalogService;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.error.Suggestions;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.planner.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fetches the snapshot of a table a statement names. A missing table fails as the user should see
 * it: at the position where the statement names it, with the closest existing table names of its
 * database (or the closest databases, if that is missing).
 */
final class TableLookup {
  private TableLookup() {}

  static CompletionStage<TableSnapshot> get(CatalogService catalog, Statement.TableName name) {
    return catalog
        .getTable(name.database(), name.table())
        .handle(
            (snapshot, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(snapshot)
                    : notFound(catalog, name, failure))
        .thenCompose(stage -> stage);
  }

  private static CompletionStage<TableSnapshot> notFound(
      CatalogService catalog, Statement.TableName name, Throwable failure) {
    ErrorInfo info = ErrorInfo.of(failure);
    if (info.code() != ErrorCode.TABLE_NOT_FOUND && info.code() != ErrorCode.SCHEMA_NOT_FOUND) {
      return CompletableFuture.failedFuture(failure);
    }
    String message = "Table 'tarn." + name.qualified() + "' does not exist";
    return catalog
        .listTables(name.database())
        .thenApply(tables -> Suggestions.withSuggestions(message, name.table(), tables))
        .exceptionallyCompose(
            noDatabase ->
                catalog
                    .listDatabases()
                    .thenApply(
                        databases ->
                            Suggestions.withSuggestions(
                                "Schema 'tarn." + name.database() + "' does not exist",
                                name.database(),
                                databases)))
        .thenCompose(
            text ->
                CompletableFuture.failedFuture(
                    new TarnException(
                        ErrorCode.TABLE_NOT_FOUND, text, name.line(), name.column())));
  }
}
