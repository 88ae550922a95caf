// tests/ledger/kv_store_test.cc
// The two KvStore implementations behave alike; RocksDB keeps data across reopen, refuses
// a second opener, and overlays read through to their parents.

#include "ledger/kv_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "ledger/rocks_kv_store.h"
#include "tests/support/temp_dir.h"

namespace tamga::ledger {
namespace {

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

void ExerciseStore(KvStore& s) {
  WriteBatch b;
  b.Put(Column::kState, B("k1"), B("v1"));
  b.Put(Column::kState, B("k2"), B("v2"));
  b.Put(Column::kState, B("l1"), B("x"));
  b.Put(Column::kLog, B("k1"), B("other column"));
  ASSERT_TRUE(s.Write(b, true).ok());
  EXPECT_EQ(s.Get(Column::kState, B("k1")).value(), B("v1"));
  EXPECT_EQ(s.Get(Column::kLog, B("k1")).value(), B("other column"));
  EXPECT_FALSE(s.Get(Column::kIndex, B("k1")).value().has_value());

  std::vector<Bytes> keys;
  ASSERT_TRUE(s.Scan(Column::kState, B("k"), {}, [&](ByteView k, ByteView) {
                 keys.emplace_back(k.begin(), k.end());
                 return true;
               }).ok());
  EXPECT_EQ(keys, (std::vector<Bytes>{B("k1"), B("k2")}));
  keys.clear();
  ASSERT_TRUE(s.Scan(Column::kState, B("k"), B("k2"), [&](ByteView k, ByteView) {
                 keys.emplace_back(k.begin(), k.end());
                 return true;
               }).ok());
  EXPECT_EQ(keys, (std::vector<Bytes>{B("k2")}));

  WriteBatch d;
  d.Delete(Column::kState, B("k1"));
  d.Put(Column::kState, B("k2"), B("v2'"));
  ASSERT_TRUE(s.Write(d, false).ok());
  EXPECT_FALSE(s.Get(Column::kState, B("k1")).value().has_value());
  EXPECT_EQ(s.Get(Column::kState, B("k2")).value(), B("v2'"));
}

TEST(KvStore, MemoryStore) {
  MemKvStore s;
  ExerciseStore(s);
}

TEST(KvStore, RocksStoreBehavesAlikeAndKeepsDataAcrossReopen) {
  testing::TempDir dir("kv_rocks");
  {
    auto s = RocksKvStore::Open(dir.File("db")).value();
    ExerciseStore(*s);
  }
  auto s = RocksKvStore::Open(dir.File("db")).value();
  EXPECT_EQ(s->Get(Column::kState, B("k2")).value(), B("v2'"));
  EXPECT_EQ(s->Get(Column::kLog, B("k1")).value(), B("other column"));
}

TEST(KvStore, ASecondProcessOrOpenerIsRefusedWithAPlainMessage) {
  testing::TempDir dir("kv_lock");
  auto first = RocksKvStore::Open(dir.File("db")).value();
  Result<std::unique_ptr<RocksKvStore>> second = RocksKvStore::Open(dir.File("db"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.error().message().find("in use by another process"), std::string::npos)
      << second.error().message();
}

// Names and sizes of the files under `dir`.
std::map<std::string, std::uintmax_t> Listing(const std::filesystem::path& dir) {
  std::map<std::string, std::uintmax_t> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    out[e.path().string()] = e.is_regular_file() ? e.file_size() : 0;
  }
  return out;
}

TEST(KvStore, AReadOnlyOpenerReadsBesideTheWriterAndWritesNothing) {
  testing::TempDir dir("kv_read_only");
  auto writer = RocksKvStore::Open(dir.File("db")).value();
  WriteBatch b;
  b.Put(Column::kBlocks, B("k1"), B("v1"));
  ASSERT_TRUE(writer->Write(b, true).ok());

  const auto before = Listing(dir.path());
  {
    auto reader = RocksKvStore::OpenReadOnly(dir.File("db"));
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    EXPECT_EQ((*reader)->Get(Column::kBlocks, B("k1")).value(), B("v1"));
    WriteBatch w;
    w.Put(Column::kBlocks, B("k2"), B("v2"));
    const Status refused = (*reader)->Write(w, true);
    EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(refused.message().find("read-only"), std::string::npos) << refused.ToString();
    // The reader's view is the database as it was when opened.
    ASSERT_TRUE(writer->Write(w, true).ok());
    EXPECT_FALSE((*reader)->Get(Column::kBlocks, B("k2")).value().has_value());
    EXPECT_EQ(writer->Get(Column::kBlocks, B("k2")).value(), B("v2"));
  }
  // Only the writer's log grew: the reader created, renamed or removed no file.
  auto after = Listing(dir.path());
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [name, size] : before) EXPECT_TRUE(after.count(name)) << name;

  const auto missing = RocksKvStore::OpenReadOnly(dir.File("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing")));
}

TEST(KvStore, OverlayReadsItsOwnThenItsParentsThenTheBase) {
  MemKvStore base;
  WriteBatch b;
  b.Put(Column::kState, B("a"), B("base"));
  b.Put(Column::kState, B("b"), B("base"));
  ASSERT_TRUE(base.Write(b, true).ok());
  auto parent = std::make_shared<Overlay>(nullptr, &base);
  parent->Put(Column::kState, B("b"), B("parent"));
  Overlay child(parent, &base);
  child.Put(Column::kState, B("c"), B("child"));
  EXPECT_EQ(child.Get(Column::kState, B("a")).value(), B("base"));
  EXPECT_EQ(child.Get(Column::kState, B("b")).value(), B("parent"));
  EXPECT_EQ(child.Get(Column::kState, B("c")).value(), B("child"));
  EXPECT_FALSE(parent->Get(Column::kState, B("c")).value().has_value());
  WriteBatch out;
  child.AppendTo(out);
  EXPECT_EQ(out.ops().size(), 1u);  // Only its own writes.
}

}  // namespace
}  // namespace tamga::ledger
