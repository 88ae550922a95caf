// consensus/rules.cc
#include "consensus/rules.h"

namespace tamga::consensus {

const Rules& StandardRules() {
  static const Rules standard;
  return standard;
}

}  // namespace tamga::consensus
