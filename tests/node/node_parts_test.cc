// Unit tests of the node's parts that need no network: the mempool, the configuration
// file and the genesis file.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "client/genesis_file.h"
#include "common/encoding.h"
#include "contracts/executor.h"
#include "ledger/ledger.h"
#include "node/config.h"
#include "node/mempool.h"

namespace tamga::node {
namespace {

using contracts::TxType;

class MempoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    contracts::Genesis g;
    g.chain_name = "mempool test";
    g.genesis_time_ms = 1'795'000'000'000;
    for (const char* country : {"KZ", "UZ", "KG", "KR"}) {
      admins_.push_back(SecretKey::Generate());
      g.administrations.push_back({country, country, SecretKey::Generate().public_key(),
                                   "127.0.0.1:1", admins_.back().public_key()});
    }
    auto chain = contracts::StartChain(g);
    ASSERT_TRUE(chain.ok());
    chain_ = chain->anchor.chain_id;
    ledger_ = std::move(
        ledger::Ledger::Open(std::make_unique<ledger::MemKvStore>(), chain->anchor, chain->state)
            .value());
  }

  Transaction Office(std::size_t admin, std::uint64_t seq) {
    Transaction tx;
    tx.chain_id = chain_;
    tx.type = static_cast<std::uint16_t>(TxType::kRegisterOffice);
    tx.payload = Encode(contracts::RegisterOffice{"OFF-" + std::to_string(seq), "office",
                                                  SecretKey::Generate().public_key()});
    tx.sequence = seq;
    tx.Sign(admins_[admin]);
    return tx;
  }

  std::optional<Refused> Admit(Mempool& m, const Transaction& tx) {
    return m.Admit(tx, tx.Hash(), ledger_->StateBefore(nullptr), now_,
                   contracts::ReplayGuard(*ledger_));
  }

  std::vector<SecretKey> admins_;
  ChainId chain_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::uint64_t now_ = 1'795'000'001'000;
};

TEST_F(MempoolTest, AdmitsValidTransactionsAndRefusesOthersWithTheirReason) {
  Mempool m({}, chain_);
  const Transaction good = Office(0, 1);
  EXPECT_FALSE(Admit(m, good).has_value());
  EXPECT_EQ(Admit(m, good)->code, "duplicate");
  Transaction bad = Office(1, 1);
  bad.signature.data()[0] ^= 1;
  EXPECT_EQ(Admit(m, bad)->code, "bad_signature");
  Transaction stranger = Office(1, 1);
  stranger.Sign(SecretKey::Generate());
  EXPECT_EQ(Admit(m, stranger)->code, "unknown_signer");
  EXPECT_EQ(Admit(m, Office(2, 0))->code, "bad_sequence");
  EXPECT_EQ(m.size(), 1u);
}

TEST_F(MempoolTest, IsBoundedAndSaysSo) {
  Mempool m({.transactions_max = 2}, chain_);
  EXPECT_FALSE(Admit(m, Office(0, 1)).has_value());
  EXPECT_FALSE(Admit(m, Office(1, 1)).has_value());
  auto r = Admit(m, Office(2, 1));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, "mempool_full");
}

TEST_F(MempoolTest, TransactionsThatWaitTooLongExpire) {
  Mempool m({.expiry_ms = 1000}, chain_);
  // Sequence 2 waits for a 1 that never comes.
  ASSERT_FALSE(Admit(m, Office(0, 2)).has_value());
  now_ += 500;
  ASSERT_FALSE(Admit(m, Office(1, 1)).has_value());
  EXPECT_EQ(m.Expire(now_ + 600), 1u);  // Only the first is over a second old.
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.Expire(now_ + 1001), 1u);
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.bytes(), 0u);
}

TEST_F(MempoolTest, RefusesSequencesTooFarAhead) {
  Mempool m({.sequence_window = 10}, chain_);
  EXPECT_FALSE(Admit(m, Office(0, 10)).has_value());
  EXPECT_EQ(Admit(m, Office(0, 12)).value().code, "bad_sequence");
}

TEST_F(MempoolTest, TakesEachSignersTransactionsInSequenceWithoutGaps) {
  Mempool m({}, chain_);
  // Admin 0 queues 1, 2, 3 and 5 (4 missing); admin 1 queues 2 only (1 missing).
  std::vector<Transaction> a;
  for (std::uint64_t s : {3, 1, 5, 2}) {
    a.push_back(Office(0, s));
    ASSERT_FALSE(Admit(m, a.back()).has_value()) << s;
  }
  ASSERT_FALSE(Admit(m, Office(1, 2)).has_value());
  auto state = ledger_->StateBefore(nullptr);
  auto taken = m.Take(state, {}, 100, 1 << 20);
  ASSERT_EQ(taken.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(taken[i].signer, admins_[0].public_key());
    EXPECT_EQ(taken[i].sequence, i + 1);
  }
  // What an uncommitted ancestor already holds is skipped, and the run continues.
  auto again = m.Take(state, {taken[0].Hash()}, 100, 1 << 20);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].sequence, 2u);
  // Limits.
  EXPECT_EQ(m.Take(state, {}, 2, 1 << 20).size(), 2u);
  // A client's next sequence follows the consecutive ones queued (1, 2, 3; not past the gap).
  EXPECT_EQ(m.NextSequence(admins_[0].public_key(), 0), 4u);
  EXPECT_EQ(m.NextSequence(admins_[1].public_key(), 0), 1u);
  EXPECT_EQ(m.NextSequence(admins_[1].public_key(), 1), 3u);
}

TEST_F(MempoolTest, CommittedTransactionsLeaveAndStaleOnesGo) {
  Mempool m({}, chain_);
  const Transaction t1 = Office(0, 1);
  ASSERT_FALSE(Admit(m, t1).has_value());
  // Commit a block holding t1 through the real rules.
  Block b;
  b.header.chain_id = chain_;
  b.header.height = Height(1);
  b.header.parent_id = ledger_->Head().block_id;
  b.header.timestamp_ms = now_;
  b.transactions = {t1};
  auto out = contracts::Executor::ExecuteBlock(ledger_->StateBefore(nullptr), b);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->receipts[0].code, 0);
  auto prepared = ledger_->Prepare(nullptr, b, std::move(*out));
  ASSERT_TRUE(prepared.ok());
  // The mempool reads the state after the block (the commit itself needs a QC; the state
  // a prepared block leaves is what matters here).
  m.OnCommit(b.transactions, {t1.Hash()}, ledger_->StateBefore(*prepared));
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(LastSequence(ledger_->StateBefore(*prepared), admins_[0].public_key()), 1u);
}

TEST(ConfigTest, ReadsAFullConfigAndResolvesPaths) {
  auto c = ParseConfig(R"(
genesis = "../genesis.json"
key_file = "validator.key"
data_dir = "/var/lib/tamga"
role = "observer"
[network]
listen = "0.0.0.0:26650"
observers = ["0101010101010101010101010101010101010101010101010101010101010101"]
[api]
listen = "127.0.0.1:26651"
[consensus]
round_timeout_ms = 2000
idle_block_ms = 100
[log]
format = "json"
level = "debug"
)",
                       "/etc/tamga/node0");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->genesis_file, "/etc/tamga/genesis.json");
  EXPECT_EQ(c->key_file, "/etc/tamga/node0/validator.key");
  EXPECT_EQ(c->data_dir, "/var/lib/tamga");
  EXPECT_EQ(c->observers.size(), 1u);
  EXPECT_TRUE(c->observer);
  EXPECT_EQ(c->round_timeout_ms, 2000u);
  EXPECT_EQ(c->log_format, LogFormat::kJson);
  EXPECT_EQ(c->log_level, LogLevel::kDebug);
}

TEST(ConfigTest, TrustedProxiesAreIpAddressesNormalised) {
  const std::string head =
      "genesis = \"g\"\nkey_file = \"k\"\ndata_dir = \"d\"\n[network]\nlisten = \"127.0.0.1:1\"\n";
  auto c = ParseConfig(head + "[api]\ntrusted_proxies = [\"127.0.0.1\", \"0:0::1\"]\n", "/x");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->api_trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  auto bad = ParseConfig(head + "[api]\ntrusted_proxies = [\"proxy.example\"]\n", "/x");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("'proxy.example', which is not an IP address"),
            std::string::npos)
      << bad.error().message();
  EXPECT_TRUE(ParseConfig(head, "/x")->api_trusted_proxies.empty()) << "none unless named";
}

TEST(ConfigTest, TheIndicatorsAreServedUnlessTurnedOff) {
  const std::string head =
      "genesis = \"g\"\nkey_file = \"k\"\ndata_dir = \"d\"\n[network]\nlisten = \"127.0.0.1:1\"\n";
  EXPECT_TRUE(ParseConfig(head, "/x")->api_kpis);
  auto off = ParseConfig(head + "[api]\nkpis = false\n", "/x");
  ASSERT_TRUE(off.ok()) << off.error().ToString();
  EXPECT_FALSE(off->api_kpis);
  EXPECT_FALSE(ParseConfig(head + "[api]\nkpis = \"no\"\n", "/x").ok());
}

// The example the Debian package installs as /etc/tamga/tamgad.toml is a configuration
// tamgad accepts, with the paths the unit and its sandbox expect.
TEST(ConfigTest, ThePackagesExampleConfigurationIsAccepted) {
  std::ifstream f(std::string(TAMGA_SOURCE_DIR) + "/packaging/tamgad.toml");
  std::stringstream text;
  text << f.rdbuf();
  auto c = ParseConfig(text.str(), "/etc/tamga");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->data_dir, "/var/lib/tamga");
  EXPECT_EQ(c->genesis_file, "/etc/tamga/genesis.json");
  EXPECT_EQ(c->api_trusted_proxies, (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(c->log_format, LogFormat::kJson);
  EXPECT_TRUE(c->log_file.empty()) << "standard error, which the journal keeps";
}

TEST(ConfigTest, EveryMistakeIsNamed) {
  const std::string head =
      "genesis = \"g\"\nkey_file = \"k\"\ndata_dir = \"d\"\n[network]\nlisten = \"127.0.0.1:1\"\n";
  auto message = [&](const std::string& text) {
    auto c = ParseConfig(text, "/x");
    return c.ok() ? std::string("accepted") : c.error().message();
  };
  EXPECT_NE(message("key_file = \"k\"\n").find("missing key 'genesis'"), std::string::npos);
  EXPECT_NE(message(head + "lisen = 3\n").find("unknown key 'network.lisen'"), std::string::npos);
  EXPECT_NE(message(head + "[consensus]\nround_timeout_ms = \"fast\"\n").find("whole number"),
            std::string::npos);
  // A float where a whole number belongs, even one far out of range (the config fuzz
  // target found 5e80 converted without a check).
  EXPECT_NE(
      message(head + "[api]\nsubmissions_per_second_per_address = 5e80\n").find("whole number"),
      std::string::npos);
  EXPECT_NE(
      message(head + "[api]\nsubmissions_per_second_per_signer = 200.0\n").find("whole number"),
      std::string::npos);
  EXPECT_NE(message(head + "[consensus]\nround_timeout_ms = 10\n").find("must be in"),
            std::string::npos);
  EXPECT_NE(message(head + "[consensus]\nidle_block_ms = 600001\n").find("must be in"),
            std::string::npos);
  EXPECT_EQ(message(head + "[consensus]\nidle_block_ms = 60000\n"), "accepted")
      << "a heartbeat longer than the round timeout";
  EXPECT_NE(message(head + "[log]\nformat = \"xml\"\n").find("text or json"), std::string::npos);
  EXPECT_NE(message(head + "[network\n").find("line"), std::string::npos);
  EXPECT_NE(message("role = \"watcher\"\n" + head).find("\"validator\" or \"observer\""),
            std::string::npos);
  EXPECT_FALSE(ParseConfig(head, "/x")->observer) << "a validator unless told otherwise";
  EXPECT_NE(message(head + "observers = [\"abc\"]\n").find("64 hex digits"), std::string::npos);
  EXPECT_NE(message(head + "[api]\npublic_url = \"verify.example\"\n").find("http:// or https://"),
            std::string::npos);
  auto c = ParseConfig(head + "[api]\npublic_url = \"https://verify.example\"\n", "/x");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->api_public_url, "https://verify.example");
  EXPECT_NE(message(head + "[testing]\nbyzantine = \"sly\"\n")
                .find("testing.byzantine: unknown mode 'sly'"),
            std::string::npos);
  EXPECT_FALSE(c->testing_byzantine.has_value()) << "honest unless told otherwise";
  auto byzantine = ParseConfig(head + "[testing]\nbyzantine = \"double_vote\"\n", "/x");
  ASSERT_TRUE(byzantine.ok()) << byzantine.error().ToString();
  EXPECT_EQ(byzantine->testing_byzantine, ByzantineMode::kDoubleVote);
  EXPECT_EQ(c->testing_clock_offset_ms, 0) << "the machine's clock unless told otherwise";
  auto behind = ParseConfig(head + "[testing]\nclock_offset_ms = -40000\n", "/x");
  ASSERT_TRUE(behind.ok()) << behind.error().ToString();
  EXPECT_EQ(behind->testing_clock_offset_ms, -40'000);
  EXPECT_NE(message(head + "[testing]\nclock_offset_ms = 86400001\n").find("must be in"),
            std::string::npos);
}

TEST(GenesisFileTest, RoundTripsAndRefusesTypos) {
  contracts::Genesis g;
  g.chain_name = "t";
  g.genesis_time_ms = 5;
  g.administrations.push_back({"KZ", "Customs", SecretKey::Generate().public_key(), "h:1",
                               SecretKey::Generate().public_key()});
  const std::string text = client::GenesisToJson(g);
  auto back = client::ParseGenesisJson(text);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, g);
  std::string typo = text;
  typo.replace(typo.find("chain_name"), 10, "chain_nam");
  EXPECT_FALSE(client::ParseGenesisJson(typo).ok());
  std::string bad_key = text;
  bad_key.replace(bad_key.find("\"validator_key\": \"") + 18, 2, "zz");
  EXPECT_FALSE(client::ParseGenesisJson(bad_key).ok());
  EXPECT_FALSE(client::ParseGenesisJson("[]").ok());
  EXPECT_FALSE(client::ParseGenesisJson("{").ok());
}

}  // namespace
}  // namespace tamga::node
