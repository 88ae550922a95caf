// common/asio.h
// Boost.Asio, included through this one header: Boost 1.74's Asio uses std::exchange
// without including <utility>, which GCC 12's standard library no longer pulls in by
// chance. Include this before any Boost.Asio or Boost.Beast header.

#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
