// A thin RAII layer over SQLite: one C call, one check, one exception naming the database and
// the statement. No sqlite3 handle leaves this file's classes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace nksim {

class SqliteStatement;

class SqliteDb {
 public:
  enum class Mode { kReadOnly, kReadWrite, kCreate };
  // Opens (or creates) a database. WAL journal, busy timeout of 30 s. Throws Error.
  SqliteDb(const std::filesystem::path& path, Mode mode);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql);
  SqliteStatement prepare(const std::string& sql);
  const std::filesystem::path& path() const { return path_; }

 private:
  friend class SqliteStatement;
  [[noreturn]] void fail(const std::string& what) const;
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteDb& db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are 1-based, like SQLite's.
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, const std::string& value);
  SqliteStatement& bind(int index, std::optional<double> value);  // NULL when empty
  SqliteStatement& bind_blob(int index, std::span<const double> values);
  SqliteStatement& bind_null(int index);

  // Steps once; true while a row is available.
  bool step();
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  void reset();

  // Columns are 0-based.
  bool is_null(int column) const;
  double column_double(int column) const;
  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;
  std::optional<double> column_optional(int column) const;
  std::vector<double> column_blob(int column) const;
  int column_count() const;

 private:
  SqliteDb* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT; rolled back by the destructor unless committed.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace nksim
