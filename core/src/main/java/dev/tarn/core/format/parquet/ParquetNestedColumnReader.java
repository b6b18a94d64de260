package dev.tarn.core.format.parquet;

import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the nested columns (Parquet LIST, MAP and plain groups, as Tarn's array, map and row) of
 * one Parquet file, next to the flat columns {@link ParquetBatchReader} decodes itself.
 *
 * <p>Nested values need repetition and definition levels reassembled into records, which
 * parquet-mr's record assembly ({@link MessageColumnIO#getRecordReader}) already does correctly for
 * every list encoding writers use (three-level lists, the legacy two-level ones, maps as repeated
 * key/value groups). Its converters build the {@link BatchRows} Java values of each record, which
 * are then written into the Arrow vectors. That boxes every value: nested columns are rare in the
 * hot path of Tarn's queries, and correctness across writers matters more here.
 *
 * <p>The reader owns a second handle on the file, reads the same row groups as the flat reader (by
 * index, so row groups skipped on statistics are skipped here too) and must be read in step: {@link
 * #read} is called with the flat reader's row group and batch size.
 *
 * <pre>
 *   optional group tags (LIST) { repeated group list { optional binary element (STRING); } }
 *     -> array(varchar): the LIST group collects, each repeated "list" group adds one element
 *   optional group attrs (MAP) { repeated group key_value { required binary key; optional int64 value; } }
 *     -> map(varchar, bigint): each key_value group puts one entry
 *   optional group point { optional double x; optional double y; }
 *     -> row(x double, y double): fields matched by name, case-insensitively
 * </pre>
 */
final class ParquetNestedColumnReader implements AutoCloseable {
  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private final String file;
  private final ParquetFileReader reader;
  private final MessageType schema;
  private final int[] outputs;
  private final SqlType[] types;
  private final RootConverter root;
  private RecordReader<Object[]> records;
  private int rowGroup = -1;

  /**
   * @param fields the file's top-level nested fields to read
   * @param outputs the output column index of each field
   * @param types the table type of each field
   */
  ParquetNestedColumnReader(
      Path path, String file, List<Type> fields, int[] outputs, SqlType[] types) {
    this.file = file;
    this.outputs = outputs.clone();
    this.types = types.clone();
    this.schema = new MessageType("nested", fields);
    List<ValueConverter> converters = new ArrayList<>();
    this.root = new RootConverter(fields.size());
    for (int f = 0; f < fields.size(); f++) {
      converters.add(converter(fields.get(f), types[f], root.slot(f)));
    }
    root.converters = converters;
    this.reader = ParquetBatchReader.openFile(path, file);
    reader.setRequestedSchema(schema);
  }

  /**
   * A reader of the nested {@code fields}, feeding output columns {@code outputs} of {@code
   * columns}; null when there are none.
   */
  static ParquetNestedColumnReader open(
      Path path, String file, List<Type> fields, List<Integer> outputs, List<Column> columns) {
    if (fields.isEmpty()) {
      return null;
    }
    int[] indexes = new int[outputs.size()];
    SqlType[] types = new SqlType[outputs.size()];
    for (int f = 0; f < indexes.length; f++) {
      indexes[f] = outputs.get(f);
      types[f] = columns.get(indexes[f]).type();
    }
    return new ParquetNestedColumnReader(path, file, fields, indexes, types);
  }

  /** Sets {@code rows} rows of each nested output column of {@code vectors}. */
  void read(List<FieldVector> vectors, int rows, int group) {
    try {
      if (group != rowGroup) {
        PageReadStore pages = reader.readRowGroup(group);
        records =
            new ColumnIOFactory()
                .getColumnIO(schema)
                .getRecordReader(pages, new Materializer(root));
        rowGroup = group;
      }
      for (int row = 0; row < rows; row++) {
        Object[] record = records.read();
        for (int f = 0; f < outputs.length; f++) {
          BatchRows.set(vectors.get(outputs[f]), types[f], row, record[f]);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof TarnException tarn) {
        throw tarn;
      }
      throw new TarnException(
          ErrorCode.BAD_DATA,
          file + ", row group " + group + ": cannot read nested columns (" + e.getMessage() + ")",
          e);
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // A read handle: closing it cannot lose data.
    }
  }

  /** Where a converter hands the value it assembled. */
  private interface Slot {
    void accept(Object value);
  }

  /** A converter that assembles the value of one Tarn type. */
  private interface ValueConverter {
    Converter asConverter();
  }

  private ValueConverter converter(Type field, SqlType type, Slot slot) {
    if (field.isPrimitive()) {
      if (type.isNested()) {
        throw mismatch(field, type);
      }
      PrimitiveValue primitive = new PrimitiveValue(field.asPrimitiveType(), type, slot);
      return () -> primitive;
    }
    GroupType group = field.asGroupType();
    switch (type.kind()) {
      case ARRAY:
        return listConverter(group, type, slot);
      case MAP:
        return mapConverter(group, type, slot);
      case ROW:
        return rowConverter(group, type, slot);
      default:
        throw mismatch(field, type);
    }
  }

  private TarnException mismatch(Type field, SqlType type) {
    return new TarnException(
        ErrorCode.BAD_DATA,
        file + ": column " + field.getName() + " is " + field + " in the file, not " + type);
  }

  /**
   * A LIST group: its one repeated child is either the element itself (two-level lists) or a group
   * around the element (three-level lists, and two-level lists of groups).
   */
  private ValueConverter listConverter(GroupType group, SqlType type, Slot slot) {
    if (group.getFieldCount() != 1 || !group.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      throw mismatch(group, type);
    }
    List<Object> holder = new ArrayList<>();
    GroupValue list = new GroupValue(1);
    Type repeated = group.getType(0);
    SqlType element = type.elementType();
    Slot add = holder::add;
    // Parquet's backward-compatibility rules for lists: a repeated group of one field is the
    // three-level wrapper unless it bears one of the legacy two-level names.
    boolean threeLevel =
        !repeated.isPrimitive()
            && repeated.asGroupType().getFieldCount() == 1
            && !repeated.getName().equals("array")
            && !repeated.getName().equals(group.getName() + "_tuple");
    if (threeLevel) {
      Object[] current = new Object[1];
      GroupValue wrapper = new GroupValue(1);
      wrapper.children[0] =
          converter(repeated.asGroupType().getType(0), element, value -> current[0] = value)
              .asConverter();
      wrapper.onStart = () -> current[0] = null;
      wrapper.onEnd = () -> holder.add(current[0]);
      list.children[0] = wrapper;
    } else {
      list.children[0] = converter(repeated, element, add).asConverter();
    }
    list.onStart = holder::clear;
    list.onEnd = () -> slot.accept(new ArrayList<>(holder));
    return () -> list;
  }

  /** A MAP group: one repeated key/value group per entry. */
  private ValueConverter mapConverter(GroupType group, SqlType type, Slot slot) {
    if (group.getFieldCount() != 1 || group.getType(0).isPrimitive()) {
      throw mismatch(group, type);
    }
    GroupType entry = group.getType(0).asGroupType();
    if (entry.getFieldCount() != 2) {
      throw mismatch(group, type);
    }
    Map<Object, Object> holder = new LinkedHashMap<>();
    Object[] pair = new Object[2];
    GroupValue entries = new GroupValue(2);
    entries.children[0] =
        converter(entry.getType(0), type.keyType(), value -> pair[0] = value).asConverter();
    entries.children[1] =
        converter(entry.getType(1), type.valueType(), value -> pair[1] = value).asConverter();
    entries.onStart = () -> Arrays.fill(pair, null);
    entries.onEnd = () -> holder.put(pair[0], pair[1]);
    GroupValue map = new GroupValue(1);
    map.children[0] = entries;
    map.onStart = holder::clear;
    map.onEnd = () -> slot.accept(new LinkedHashMap<>(holder));
    return () -> map;
  }

  /**
   * A plain group as a row: the row's fields take the file's fields of the same name; fields the
   * file lacks are NULL, and file fields the row lacks are read and dropped.
   */
  private ValueConverter rowConverter(GroupType group, SqlType type, Slot slot) {
    int fieldCount = type.children().size();
    Object[] values = new Object[fieldCount];
    GroupValue row = new GroupValue(group.getFieldCount());
    for (int i = 0; i < group.getFieldCount(); i++) {
      Type child = group.getType(i);
      int field = -1;
      for (int f = 0; f < fieldCount; f++) {
        if (type.fieldNames().get(f).equalsIgnoreCase(child.getName())) {
          field = f;
        }
      }
      if (field < 0) {
        row.children[i] = ignoring(child);
      } else {
        int target = field;
        row.children[i] =
            converter(child, type.children().get(field), value -> values[target] = value)
                .asConverter();
      }
    }
    row.onStart = () -> Arrays.fill(values, null);
    row.onEnd = () -> slot.accept(Arrays.asList(values.clone()));
    return () -> row;
  }

  /** A converter that accepts and drops every value of {@code type}. */
  private static Converter ignoring(Type type) {
    if (type.isPrimitive()) {
      return new PrimitiveConverter() {};
    }
    GroupType group = type.asGroupType();
    GroupValue ignored = new GroupValue(group.getFieldCount());
    for (int i = 0; i < group.getFieldCount(); i++) {
      ignored.children[i] = ignoring(group.getType(i));
    }
    return ignored;
  }

  /** A group converter whose behaviour is given by its children and two callbacks. */
  private static final class GroupValue extends GroupConverter {
    final Converter[] children;
    Runnable onStart = () -> {};
    Runnable onEnd = () -> {};

    GroupValue(int fields) {
      this.children = new Converter[fields];
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {
      onStart.run();
    }

    @Override
    public void end() {
      onEnd.run();
    }
  }

  /** The record: one value per top-level nested field, NULL when the record lacks it. */
  private static final class RootConverter extends GroupConverter {
    private final Object[] values;
    List<ValueConverter> converters;

    RootConverter(int fields) {
      this.values = new Object[fields];
    }

    Slot slot(int field) {
      return value -> values[field] = value;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return converters.get(fieldIndex).asConverter();
    }

    @Override
    public void start() {
      Arrays.fill(values, null);
    }

    @Override
    public void end() {}
  }

  private static final class Materializer extends RecordMaterializer<Object[]> {
    private final RootConverter root;

    Materializer(RootConverter root) {
      this.root = root;
    }

    @Override
    public Object[] getCurrentRecord() {
      return root.values;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  /**
   * A leaf value, converted from the Parquet physical and logical type to the Java value of the
   * table's type (numbers widen; decimals, dates and timestamps follow their annotations).
   */
  private final class PrimitiveValue extends PrimitiveConverter {
    private final PrimitiveType field;
    private final SqlType type;
    private final Slot slot;
    private final int decimalScale;
    private final long microsPerUnit;
    private final boolean date;
    private final boolean timestamp;

    PrimitiveValue(PrimitiveType field, SqlType type, Slot slot) {
      this.field = field;
      this.type = type;
      this.slot = slot;
      LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
      this.decimalScale =
          logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal
              ? decimal.getScale()
              : -1;
      this.date = logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
      this.timestamp = logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
      this.microsPerUnit = ParquetTypes.microsPerUnit(field);
    }

    @Override
    public void addBoolean(boolean value) {
      slot.accept(value);
    }

    @Override
    public void addInt(int value) {
      addLong(value);
    }

    @Override
    public void addLong(long value) {
      if (decimalScale >= 0) {
        number(BigDecimal.valueOf(value, decimalScale));
      } else if (timestamp) {
        slot.accept(microsPerUnit == 0 ? Math.floorDiv(value, 1000L) : value * microsPerUnit);
      } else if (date || type.kind() != SqlType.Kind.VARCHAR) {
        number(value);
      } else {
        slot.accept(Long.toString(value));
      }
    }

    @Override
    public void addFloat(float value) {
      number((double) value);
    }

    @Override
    public void addDouble(double value) {
      number(value);
    }

    private void number(Object value) {
      if (type.kind() == SqlType.Kind.VARCHAR) {
        slot.accept(value.toString());
      } else {
        slot.accept(value);
      }
    }

    @Override
    public void addBinary(Binary value) {
      if (decimalScale >= 0) {
        number(new BigDecimal(new BigInteger(value.getBytes()), decimalScale));
      } else if (field.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
        ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = bytes.getLong();
        long julianDay = bytes.getInt();
        slot.accept((julianDay - JULIAN_DAY_OF_EPOCH) * MICROS_PER_DAY + nanosOfDay / 1000);
      } else if (type.kind() == SqlType.Kind.VARBINARY) {
        slot.accept(value.getBytes());
      } else {
        slot.accept(value.toStringUsingUTF8());
      }
    }
  }
}
