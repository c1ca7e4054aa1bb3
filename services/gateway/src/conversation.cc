#include "conversation.h"

namespace lindungi::gateway {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

absl::StatusOr<std::string> SendOutbound(whatsapp::GraphClient& graph, const std::string& to,
                                         const Outbound& reply) {
  return std::visit(
      Overloaded{
          [&](const whatsapp::TextMessage& m) { return graph.SendText(to, m); },
          [&](const whatsapp::ButtonsMessage& m) { return graph.SendButtons(to, m); },
          [&](const whatsapp::ListMessage& m) { return graph.SendList(to, m); },
          [&](const whatsapp::DocumentMessage& m) { return graph.SendDocument(to, m); },
          [&](const whatsapp::TemplateMessage& m) { return graph.SendTemplate(to, m); },
      },
      reply);
}

const char* OutboundKind(const Outbound& reply) {
  static constexpr const char* kKinds[] = {"text", "buttons", "list", "document", "template"};
  return kKinds[reply.index()];
}

}  // namespace lindungi::gateway
