// The Pipeline's requests as rebound-control's dump_requestlist shows them, and
// flush_requestlist (pipeline.h).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/core/check.h"
#include "resolver/core/pipeline.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// unbound's sldns_wire2str_class: the mnemonic, or CLASSnn.
std::string ClassText(ldns_rr_class rr_class) {
  return TakeLdnsString(ldns_rr_class2str(rr_class));
}

}  // namespace

std::vector<PendingRequest> Pipeline::ListPending(absl::Time now) {
  std::vector<PendingRequest> list;
  list.reserve(requests_.size());
  for (const auto& [id, flight] : requests_) {
    InFlight& f = *flight;
    DCHECK(!f.in_stage);
    Request& req = *f.req;
    PendingRequest& p = list.emplace_back();
    p.qname = NameString(req.qname());
    p.qtype = req.qtype();
    p.qclass = req.qclass();
    // unbound prints an age only for a state with a client waiting (a reply list); its own
    // sub-queries and prefetches get "-".
    if (f.parent == 0 && !req.background()) p.age = now - req.received();
    if (f.stage >= stages_.size()) {
      p.status = "pipeline is module_finished";  // on its way out; not seen between calls
      continue;
    }
    Stage& stage = *stages_[f.stage];
    p.status = stage.name();
    // unbound's get_mesh_status: a module waiting for sub-queries names them ("wants TYPE CLASS
    // name" each), the iterator waiting for a reply names the servers, anything else its state.
    if (!f.children.empty()) {
      absl::StrAppend(&p.status, " wants");
      for (uint64_t child_id : f.children) {
        auto child = requests_.find(child_id);
        if (child == requests_.end()) continue;
        const Request& c = *child->second->req;
        absl::StrAppend(&p.status, " ", TypeString(c.qtype()), " ", ClassText(c.qclass()), " ",
                        NameString(c.qname()));
      }
      continue;
    }
    const std::string waiting = stage.DescribeWait(req);
    absl::StrAppend(&p.status, " ", waiting.empty() ? "is module_wait_reply" : waiting);
  }
  return list;
}

size_t Pipeline::DropAll() {
  const size_t before = requests_.size();
  const uint64_t last = next_id_ - 1;
  // The requests of clients and background ones; each takes its children with it.
  std::vector<uint64_t> top;
  for (const auto& [id, flight] : requests_) {
    DCHECK(!flight->in_stage);
    if (flight->parent == 0) top.push_back(id);
  }
  for (uint64_t id : top) {
    auto it = requests_.find(id);
    if (it == requests_.end()) continue;
    it->second->req->flushed_ = true;
    Drop(id, /*respond=*/true);
  }
  // Every request there was is gone. A client's `done` may have let a new one in (a connection
  // that reads again once it has sent an answer): that one is new work and stays.
  DCHECK(requests_.empty() || requests_.begin()->first > last);
  return before;
}

}  // namespace rebound
