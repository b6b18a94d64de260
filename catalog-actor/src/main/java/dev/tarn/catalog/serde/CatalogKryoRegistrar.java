package dev.tarn.catalog.serde;

import dev.tarn.catalog.entity.CatalogReply;
import dev.tarn.catalog.entity.DatabaseEntity;
import dev.tarn.catalog.entity.DirectoryEntity;
import dev.tarn.catalog.entity.TableEntity;
import dev.tarn.core.serde.KryoRegistrar;
import java.util.function.Consumer;

/**
 * The catalog's cluster messages: the commands of its three entities and their one reply type.
 * Events and states are not here: they persist through {@link CatalogSerializer}.
 */
public final class CatalogKryoRegistrar implements KryoRegistrar {
  @Override
  public void registerClasses(Consumer<Class<?>> register) {
    register.accept(CatalogReply.class);

    register.accept(DatabaseEntity.Create.class);
    register.accept(DatabaseEntity.Drop.class);
    register.accept(DatabaseEntity.Get.class);
    register.accept(DatabaseEntity.AddTable.class);
    register.accept(DatabaseEntity.RemoveTable.class);
    register.accept(DatabaseEntity.ListTables.class);
    register.accept(DatabaseEntity.Description.class);

    register.accept(TableEntity.Create.class);
    register.accept(TableEntity.Drop.class);
    register.accept(TableEntity.Get.class);
    register.accept(TableEntity.AddPartitions.class);
    register.accept(TableEntity.DropPartitions.class);
    register.accept(TableEntity.SetStatistics.class);

    register.accept(DirectoryEntity.Register.class);
    register.accept(DirectoryEntity.Unregister.class);
    register.accept(DirectoryEntity.ListDatabases.class);
  }
}
