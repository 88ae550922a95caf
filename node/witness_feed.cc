// node/witness_feed.cc

#include "node/witness_feed.h"

#include <chrono>
#include <utility>

#include "client/http_client.h"
#include "client/witness_client.h"
#include "common/log.h"

namespace tamga::node {

WitnessFeed::WitnessFeed(boost::asio::io_context& io, const ledger::Ledger& ledger,
                         std::vector<Witness> witnesses)
    : io_(io),
      ledger_(ledger),
      witnesses_(std::move(witnesses)),
      cosigned_(witnesses_.size()),
      thread_([this] { Run(); }) {}

WitnessFeed::~WitnessFeed() {
  *alive_ = false;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WitnessFeed::Offer(const std::string& note, const std::string& text, std::uint64_t size) {
  {
    std::lock_guard lock(mu_);
    pending_ = Offered{note, text, size};
  }
  wake_.notify_all();
}

std::string WitnessFeed::Lines(const std::string& text) const {
  std::string lines;
  for (const auto& [cosigned_text, line] : cosigned_) {
    if (cosigned_text == text) lines += line;
  }
  return lines;
}

void WitnessFeed::Run() {
  // The last failure per witness, logged once until it changes.
  std::vector<std::string> failures(witnesses_.size());
  for (;;) {
    Offered offered;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || pending_.has_value(); });
      if (stop_) return;
      offered = std::move(*pending_);
      pending_.reset();
    }
    const auto consistency = [&](std::uint64_t from, std::uint64_t to) {
      return ledger_.LogConsistency(from, to);
    };
    for (std::size_t i = 0; i < witnesses_.size(); ++i) {
      {
        std::lock_guard lock(mu_);
        if (stop_) return;
      }
      const Witness& w = witnesses_[i];
      auto client = client::HttpClient::Connect(w.address, kTimeoutMs);
      auto cosigned =
          client.ok() ? client::AskWitness(*client, w.key, offered.note, offered.size, consistency)
                      : Result<client::Cosigned>(client.error());
      if (!cosigned.ok()) {
        if (cosigned.error().ToString() != failures[i]) {
          failures[i] = cosigned.error().ToString();
          Log(LogLevel::kWarn, "witness_refused",
              {{"witness", w.key.name},
               {"size", std::to_string(offered.size)},
               {"why", failures[i]}});
        }
        continue;
      }
      failures[i].clear();
      boost::asio::post(io_, [this, alive = alive_, i, text = offered.text, line = cosigned->line] {
        if (*alive) cosigned_[i] = {text, line};
      });
    }
    // At most one round of requests a second.
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; });
    if (stop_) return;
  }
}

}  // namespace tamga::node
