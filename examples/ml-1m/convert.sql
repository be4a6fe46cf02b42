-- Writes ML-1M in two other shapes, for the check that a schema over them trains exactly as the built-in loader:
--   parquet/  ratings.parquet, users.parquet, movies.parquet (the GroupLens columns)      -> parquet/schema.json
--   renamed/  events.csv.gz (ISO times), customers.tsv, products.jsonl (genres as a list) -> renamed/schema.json
-- Run it with DuckDB in the folder holding ratings.dat, users.dat and movies.dat, after creating parquet/ and renamed/
-- (tests/FitCluster.Training.Tests runs it the same way, into a temporary folder).
COPY (SELECT * FROM read_csv('ratings.dat', delim = '::', header = false, names = ['user_id', 'movie_id', 'rating', 'timestamp']))
  TO 'parquet/ratings.parquet' (FORMAT parquet);
COPY (SELECT * FROM read_csv('users.dat', delim = '::', header = false, names = ['user_id', 'gender', 'age', 'occupation', 'zip'], types = {'zip': 'VARCHAR'}))
  TO 'parquet/users.parquet' (FORMAT parquet);
COPY (SELECT * FROM read_csv('movies.dat', delim = '::', header = false, names = ['movie_id', 'title', 'genres'], encoding = 'latin-1', quote = ''))
  TO 'parquet/movies.parquet' (FORMAT parquet);
COPY (SELECT user_id AS uid, movie_id AS iid, rating AS stars, strftime(to_timestamp(timestamp), '%Y-%m-%dT%H:%M:%SZ') AS event_time
      FROM read_csv('ratings.dat', delim = '::', header = false, names = ['user_id', 'movie_id', 'rating', 'timestamp']))
  TO 'renamed/events.csv.gz' (FORMAT csv, HEADER true, COMPRESSION gzip);
COPY (SELECT user_id AS customer, gender AS sex, age AS age_group, occupation AS job, substr(zip, 1, 3) AS zip3
      FROM read_csv('users.dat', delim = '::', header = false, names = ['user_id', 'gender', 'age', 'occupation', 'zip'], types = {'zip': 'VARCHAR'}))
  TO 'renamed/customers.tsv' (FORMAT csv, HEADER true, DELIMITER '\t');
COPY (SELECT movie_id AS product, string_split(genres, '|') AS tags, TRY_CAST(regexp_extract(trim(title), '\((\d{4})\)$', 1) AS INTEGER) AS released
      FROM read_csv('movies.dat', delim = '::', header = false, names = ['movie_id', 'title', 'genres'], encoding = 'latin-1', quote = ''))
  TO 'renamed/products.jsonl' (FORMAT json);
