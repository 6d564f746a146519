-- Run once, by the postgres image, when its data volume is empty.
-- Each node owns a database of its own, as it would on its own server: central's is the source
-- of truth (both central instances share it), each store's holds only that store's replica and
-- outbox. The app creates its tables itself (migrations at boot).
CREATE DATABASE central;
CREATE DATABASE store_s1;
CREATE DATABASE store_s2;
CREATE DATABASE store_s3;
