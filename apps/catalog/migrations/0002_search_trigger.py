"""PostgreSQL only: keep Product.search_vector current with a trigger, and index it (GIN).

A trigger, not application code, so every write path (admin, CSV import, API, bulk_create)
keeps search right. On SQLite the column stays empty and search falls back to icontains.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION catalog_product_search_update() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(NEW.sku, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS catalog_product_search ON catalog_product;
CREATE TRIGGER catalog_product_search
  BEFORE INSERT OR UPDATE OF name, sku, description ON catalog_product
  FOR EACH ROW EXECUTE FUNCTION catalog_product_search_update();

CREATE INDEX IF NOT EXISTS catalog_product_search_gin ON catalog_product USING gin (search_vector);
UPDATE catalog_product SET name = name;
"""

DROP = """
DROP TRIGGER IF EXISTS catalog_product_search ON catalog_product;
DROP FUNCTION IF EXISTS catalog_product_search_update();
DROP INDEX IF EXISTS catalog_product_search_gin;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
