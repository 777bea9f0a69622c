DROP TABLE tags;
DROP TABLE categories;
