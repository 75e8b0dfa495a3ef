#include "nksim/io/sqlite_db.h"

#include <sqlite3.h>

#include <cstring>

#include "nksim/core/error.h"

namespace nksim {

SqliteDb::SqliteDb(const std::filesystem::path& path, Mode mode) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::kCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error("cannot open database " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 30000);
  if (mode != Mode::kReadOnly) {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
  }
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

void SqliteDb::fail(const std::string& what) const {
  throw Error("database " + path_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
}

void SqliteDb::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw Error("database " + path_.string() + ": " + message + " in: " + sql);
  }
}

SqliteStatement SqliteDb::prepare(const std::string& sql) { return SqliteStatement(*this, sql); }

SqliteStatement::SqliteStatement(SqliteDb& db, const std::string& sql) : db_(&db), sql_(sql) {
  if (sqlite3_prepare_v2(db.db_, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
    db.fail("cannot prepare '" + sql + "'");
  }
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), sql_(std::move(other.sql_)) {
  other.stmt_ = nullptr;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_->fail("bind in '" + sql_ + "'");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_->fail("bind in '" + sql_ + "'");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::string& value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_->fail("bind in '" + sql_ + "'");
  }
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::optional<double> value) {
  return value ? bind(index, *value) : bind_null(index);
}

SqliteStatement& SqliteStatement::bind_blob(int index, std::span<const double> values) {
  if (sqlite3_bind_blob(stmt_, index, values.data(), static_cast<int>(values.size_bytes()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_->fail("bind in '" + sql_ + "'");
  }
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_->fail("bind in '" + sql_ + "'");
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail("cannot run '" + sql_ + "'");
}

void SqliteStatement::run() {
  while (step()) {
  }
  reset();
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}
std::int64_t SqliteStatement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
std::string SqliteStatement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}
std::optional<double> SqliteStatement::column_optional(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_double(column);
}
std::vector<double> SqliteStatement::column_blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  std::vector<double> values(bytes / sizeof(double));
  if (data && bytes) std::memcpy(values.data(), data, values.size() * sizeof(double));
  return values;
}
int SqliteStatement::column_count() const { return sqlite3_column_count(stmt_); }

SqliteTransaction::SqliteTransaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

SqliteTransaction::~SqliteTransaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // nothing more to do in a destructor
    }
  }
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace nksim
