package dev.tarn.catalog.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.tarn.catalog.entity.DatabaseEntity;
import dev.tarn.catalog.entity.DirectoryEntity;
import dev.tarn.catalog.entity.TableEntity;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The persisted format of catalog events and entity states: Jackson CBOR trees written and read
 * field by field, never by reflection over the Java records, so that renaming a record component
 * cannot silently change what the journal holds.
 *
 * <p>The manifest is the record's name and its format version, e.g. {@code TableCreated.v1}. To
 * change a format, add {@code TableCreated.v2}: write only v2 from then on and keep the v1 reader,
 * which maps old fields to the new record (Pekko's schema evolution by manifest). Readers ignore
 * fields they do not know, so adding an optional field needs no new version.
 *
 * <p>Types are stored as their SQL text ({@code decimal(12,2)}) and parsed back with {@link
 * SqlType#parse}; formats as their enum name; sets sorted, so equal states encode to equal bytes.
 */
public final class CatalogSerializer extends SerializerWithStringManifest {
  /** Pekko serializer id; must be unique among the system's serializers. */
  public static final int IDENTIFIER = 7_417_101;

  private static final CBORMapper MAPPER = new CBORMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String DATABASE_CREATED = "DatabaseCreated.v1";
  private static final String DATABASE_DROPPED = "DatabaseDropped.v1";
  private static final String TABLE_ADDED = "TableAdded.v1";
  private static final String TABLE_REMOVED = "TableRemoved.v1";
  private static final String TABLE_CREATED = "TableCreated.v1";
  private static final String TABLE_DROPPED = "TableDropped.v1";
  private static final String PARTITIONS_ADDED = "PartitionsAdded.v1";
  private static final String PARTITIONS_DROPPED = "PartitionsDropped.v1";
  private static final String STATISTICS_SET = "StatisticsSet.v1";
  private static final String DATABASE_REGISTERED = "DatabaseRegistered.v1";
  private static final String DATABASE_UNREGISTERED = "DatabaseUnregistered.v1";
  private static final String DATABASE_EMPTY = "DatabaseEmpty.v1";
  private static final String DATABASE_ACTIVE = "DatabaseActive.v1";
  private static final String TABLE_EMPTY = "TableEmpty.v1";
  private static final String TABLE_ACTIVE = "TableActive.v1";
  private static final String DIRECTORY_LISTING = "DirectoryListing.v1";

  /** Pekko instantiates serializers with the actor system; this one needs nothing from it. */
  public CatalogSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof DatabaseEntity.DatabaseCreated) {
      return DATABASE_CREATED;
    } else if (o instanceof DatabaseEntity.DatabaseDropped) {
      return DATABASE_DROPPED;
    } else if (o instanceof DatabaseEntity.TableAdded) {
      return TABLE_ADDED;
    } else if (o instanceof DatabaseEntity.TableRemoved) {
      return TABLE_REMOVED;
    } else if (o instanceof TableEntity.TableCreated) {
      return TABLE_CREATED;
    } else if (o instanceof TableEntity.TableDropped) {
      return TABLE_DROPPED;
    } else if (o instanceof TableEntity.PartitionsAdded) {
      return PARTITIONS_ADDED;
    } else if (o instanceof TableEntity.PartitionsDropped) {
      return PARTITIONS_DROPPED;
    } else if (o instanceof TableEntity.StatisticsSet) {
      return STATISTICS_SET;
    } else if (o instanceof DirectoryEntity.DatabaseRegistered) {
      return DATABASE_REGISTERED;
    } else if (o instanceof DirectoryEntity.DatabaseUnregistered) {
      return DATABASE_UNREGISTERED;
    } else if (o instanceof DatabaseEntity.Empty) {
      return DATABASE_EMPTY;
    } else if (o instanceof DatabaseEntity.Active) {
      return DATABASE_ACTIVE;
    } else if (o instanceof TableEntity.Empty) {
      return TABLE_EMPTY;
    } else if (o instanceof TableEntity.Active) {
      return TABLE_ACTIVE;
    } else if (o instanceof DirectoryEntity.Listing) {
      return DIRECTORY_LISTING;
    }
    throw new IllegalArgumentException("CatalogSerializer cannot write " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    ObjectNode node = NODES.objectNode();
    if (o instanceof DatabaseEntity.DatabaseCreated e) {
      node.put("name", e.name());
    } else if (o instanceof DatabaseEntity.DatabaseDropped e) {
      node.put("name", e.name());
    } else if (o instanceof DatabaseEntity.TableAdded e) {
      node.put("table", e.table());
    } else if (o instanceof DatabaseEntity.TableRemoved e) {
      node.put("table", e.table());
    } else if (o instanceof TableEntity.TableCreated e) {
      node.set("table", writeTable(e.table()));
    } else if (o instanceof TableEntity.TableDropped e) {
      node.put("qualifiedName", e.qualifiedName());
    } else if (o instanceof TableEntity.PartitionsAdded e) {
      node.set("partitions", writePartitions(e.partitions()));
    } else if (o instanceof TableEntity.PartitionsDropped e) {
      ArrayNode values = node.putArray("values");
      for (List<String> v : e.values()) {
        values.add(writeStrings(v));
      }
    } else if (o instanceof TableEntity.StatisticsSet e) {
      node.set("statistics", writeStatistics(e.statistics()));
    } else if (o instanceof DirectoryEntity.DatabaseRegistered e) {
      node.put("database", e.database());
    } else if (o instanceof DirectoryEntity.DatabaseUnregistered e) {
      node.put("database", e.database());
    } else if (o instanceof DatabaseEntity.Empty || o instanceof TableEntity.Empty) {
      // No fields: the manifest says it all.
    } else if (o instanceof DatabaseEntity.Active s) {
      node.set("tables", writeStrings(new TreeSet<>(s.tables())));
    } else if (o instanceof TableEntity.Active s) {
      node.set("table", writeTable(s.table()));
      node.set("partitions", writePartitions(s.partitions().values()));
      // Added to TableActive.v1 without a new version: older readers ignore the field, and a
      // snapshot written before it existed reads as a table never analyzed.
      if (s.statistics() != null) {
        node.set("statistics", writeStatistics(s.statistics()));
      }
    } else if (o instanceof DirectoryEntity.Listing s) {
      node.set("databases", writeStrings(new TreeSet<>(s.databases())));
    } else {
      throw new IllegalArgumentException(
          "CatalogSerializer cannot write " + o.getClass().getName());
    }
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + manifest(o), e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Fields f = new Fields(manifest, parse(bytes, manifest));
    switch (manifest) {
      case DATABASE_CREATED:
        return new DatabaseEntity.DatabaseCreated(f.text(f.root, "name"));
      case DATABASE_DROPPED:
        return new DatabaseEntity.DatabaseDropped(f.text(f.root, "name"));
      case TABLE_ADDED:
        return new DatabaseEntity.TableAdded(f.text(f.root, "table"));
      case TABLE_REMOVED:
        return new DatabaseEntity.TableRemoved(f.text(f.root, "table"));
      case TABLE_CREATED:
        return new TableEntity.TableCreated(f.table(f.field(f.root, "table")));
      case TABLE_DROPPED:
        return new TableEntity.TableDropped(f.text(f.root, "qualifiedName"));
      case PARTITIONS_ADDED:
        return new TableEntity.PartitionsAdded(f.partitions(f.field(f.root, "partitions")));
      case PARTITIONS_DROPPED:
        {
          List<List<String>> values = new ArrayList<>();
          for (JsonNode v : f.array(f.root, "values")) {
            values.add(f.strings(v, "values"));
          }
          return new TableEntity.PartitionsDropped(values);
        }
      case STATISTICS_SET:
        return new TableEntity.StatisticsSet(f.statistics(f.field(f.root, "statistics")));
      case DATABASE_REGISTERED:
        return new DirectoryEntity.DatabaseRegistered(f.text(f.root, "database"));
      case DATABASE_UNREGISTERED:
        return new DirectoryEntity.DatabaseUnregistered(f.text(f.root, "database"));
      case DATABASE_EMPTY:
        return new DatabaseEntity.Empty();
      case DATABASE_ACTIVE:
        return new DatabaseEntity.Active(
            new HashSet<>(f.strings(f.field(f.root, "tables"), "tables")));
      case TABLE_EMPTY:
        return new TableEntity.Empty();
      case TABLE_ACTIVE:
        {
          JsonNode statistics = f.root.get("statistics");
          return TableEntity.Active.of(
              f.table(f.field(f.root, "table")),
              f.partitions(f.field(f.root, "partitions")),
              statistics == null || statistics.isNull() ? null : f.statistics(statistics));
        }
      case DIRECTORY_LISTING:
        return new DirectoryEntity.Listing(
            new HashSet<>(f.strings(f.field(f.root, "databases"), "databases")));
      default:
        throw new NotSerializableException(
            "unknown catalog record manifest '"
                + manifest
                + "' (written by a newer Tarn version?)");
    }
  }

  private static JsonNode parse(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      JsonNode root = MAPPER.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw new NotSerializableException("catalog record " + manifest + " is not a CBOR map");
      }
      return root;
    } catch (NotSerializableException e) {
      throw e;
    } catch (IOException e) {
      NotSerializableException wrapped =
          new NotSerializableException(
              "catalog record " + manifest + " is not valid CBOR: " + e.getMessage());
      wrapped.initCause(e);
      throw wrapped;
    }
  }

  private static ObjectNode writeTable(TableMetadata t) {
    ObjectNode node = NODES.objectNode();
    node.put("database", t.database());
    node.put("name", t.name());
    node.set("columns", writeColumns(t.columns()));
    node.set("partitionColumns", writeColumns(t.partitionColumns()));
    node.put("format", t.format().name());
    node.put("location", t.location());
    ObjectNode properties = node.putObject("properties");
    for (Map.Entry<String, String> e : new TreeMap<>(t.properties()).entrySet()) {
      properties.put(e.getKey(), e.getValue());
    }
    return node;
  }

  private static ArrayNode writeColumns(List<Column> columns) {
    ArrayNode array = NODES.arrayNode();
    for (Column c : columns) {
      array.addObject().put("name", c.name()).put("type", c.type().toString());
    }
    return array;
  }

  private static ArrayNode writePartitions(Iterable<Partition> partitions) {
    ArrayNode array = NODES.arrayNode();
    for (Partition p : partitions) {
      ObjectNode node = array.addObject();
      node.set("values", writeStrings(p.values()));
      node.put("location", p.location());
    }
    return array;
  }

  /**
   * {@code {rowCount, analyzedAtMillis, columns: {name: {distinctCount, nullCount, min, max,
   * averageWidth}}}}; columns sorted by name, an unknown min or max left out.
   */
  private static ObjectNode writeStatistics(TableStatistics statistics) {
    ObjectNode node = NODES.objectNode();
    node.put("rowCount", statistics.rowCount());
    node.put("analyzedAtMillis", statistics.analyzedAtMillis());
    ObjectNode columns = node.putObject("columns");
    for (Map.Entry<String, ColumnStatistics> e : new TreeMap<>(statistics.columns()).entrySet()) {
      ColumnStatistics c = e.getValue();
      ObjectNode column = columns.putObject(e.getKey());
      column.put("distinctCount", c.distinctCount());
      column.put("nullCount", c.nullCount());
      if (c.min() != null) {
        column.put("min", c.min());
      }
      if (c.max() != null) {
        column.put("max", c.max());
      }
      column.put("averageWidth", c.averageWidth());
    }
    return node;
  }

  private static ArrayNode writeStrings(Iterable<String> strings) {
    ArrayNode array = NODES.arrayNode();
    for (String s : strings) {
      array.add(s);
    }
    return array;
  }

  /** Reads fields of one record, naming the record and field in every complaint. */
  private static final class Fields {
    private final String manifest;
    private final JsonNode root;

    Fields(String manifest, JsonNode root) {
      this.manifest = manifest;
      this.root = root;
    }

    JsonNode field(JsonNode node, String name) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        throw bad("field '" + name + "' is missing");
      }
      return value;
    }

    String text(JsonNode node, String name) {
      JsonNode value = field(node, name);
      if (!value.isTextual()) {
        throw bad("field '" + name + "' is not text");
      }
      return value.textValue();
    }

    JsonNode array(JsonNode node, String name) {
      JsonNode value = field(node, name);
      if (!value.isArray()) {
        throw bad("field '" + name + "' is not an array");
      }
      return value;
    }

    List<String> strings(JsonNode array, String name) {
      if (!array.isArray()) {
        throw bad("field '" + name + "' is not an array of text");
      }
      List<String> out = new ArrayList<>(array.size());
      for (JsonNode s : array) {
        if (!s.isTextual()) {
          throw bad("field '" + name + "' holds a value that is not text");
        }
        out.add(s.textValue());
      }
      return out;
    }

    TableMetadata table(JsonNode node) {
      Map<String, String> properties = new LinkedHashMap<>();
      JsonNode props = field(node, "properties");
      for (Map.Entry<String, JsonNode> e : props.properties()) {
        properties.put(e.getKey(), e.getValue().asText());
      }
      String database = text(node, "database");
      String name = text(node, "name");
      List<Column> columns = columns(array(node, "columns"));
      List<Column> partitionColumns = columns(array(node, "partitionColumns"));
      String format = text(node, "format");
      String location = text(node, "location");
      try {
        return new TableMetadata(
            database,
            name,
            columns,
            partitionColumns,
            FileFormat.valueOf(format),
            location,
            properties);
      } catch (IllegalArgumentException e) {
        throw bad("table is invalid: " + e.getMessage());
      }
    }

    List<Column> columns(JsonNode array) {
      List<Column> out = new ArrayList<>(array.size());
      for (JsonNode c : array) {
        String type = text(c, "type");
        try {
          out.add(new Column(text(c, "name"), SqlType.parse(type)));
        } catch (IllegalArgumentException e) {
          throw bad("column type '" + type + "' is invalid: " + e.getMessage());
        }
      }
      return out;
    }

    List<Partition> partitions(JsonNode array) {
      if (!array.isArray()) {
        throw bad("field 'partitions' is not an array");
      }
      List<Partition> out = new ArrayList<>(array.size());
      for (JsonNode p : array) {
        out.add(new Partition(strings(field(p, "values"), "values"), text(p, "location")));
      }
      return out;
    }

    TableStatistics statistics(JsonNode node) {
      Map<String, ColumnStatistics> columns = new LinkedHashMap<>();
      JsonNode byName = field(node, "columns");
      if (!byName.isObject()) {
        throw bad("field 'columns' of the statistics is not a map");
      }
      for (Map.Entry<String, JsonNode> e : byName.properties()) {
        JsonNode c = e.getValue();
        columns.put(
            e.getKey(),
            new ColumnStatistics(
                number(c, "distinctCount").longValue(),
                number(c, "nullCount").longValue(),
                optionalText(c, "min"),
                optionalText(c, "max"),
                number(c, "averageWidth").doubleValue()));
      }
      long rowCount = number(node, "rowCount").longValue();
      long analyzedAtMillis = number(node, "analyzedAtMillis").longValue();
      try {
        return new TableStatistics(rowCount, columns, analyzedAtMillis);
      } catch (IllegalArgumentException e) {
        throw bad("statistics are invalid: " + e.getMessage());
      }
    }

    JsonNode number(JsonNode node, String name) {
      JsonNode value = field(node, name);
      if (!value.isNumber()) {
        throw bad("field '" + name + "' is not a number");
      }
      return value;
    }

    String optionalText(JsonNode node, String name) {
      JsonNode value = node.get(name);
      return value == null || value.isNull() ? null : text(node, name);
    }

    IllegalArgumentException bad(String what) {
      return new IllegalArgumentException("catalog record " + manifest + ": " + what);
    }
  }
}
