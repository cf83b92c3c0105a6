#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/store/store.h"
#include "collector/store/token.h"
#include "collector/views/views.h"

namespace vigil::collector {

void AddTokenRoutes(ApiRouter& router, TokenStore& store, const Clock& clock) {
  router.Add("GET", "/api/v1/tokens", Role::kAdmin, [&store](const ApiRequest& request) {
    if (Status known = CheckQueryParameters(request.query, {"kind"}); !known) {
      return ErrorResponse(known.error());
    }
    auto page = ReadPageRequest(request.query);
    if (!page) return ErrorResponse(page.error());
    auto tokens = store.ListTokens();
    if (!tokens) return ErrorResponse(tokens.error());
    auto kind = request.query.find("kind");
    std::vector<nlohmann::json> items;
    for (const TokenRecord& token : *tokens) {
      if (kind != request.query.end() && TokenKindName(token.kind) != kind->second) continue;
      items.push_back(TokenJson(token));
    }
    return JsonResponse(200, PageOf(std::move(items), *page));
  });

  router.Add("POST", "/api/v1/tokens", Role::kAdmin, [&store, &clock](const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body, {"kind", "role", "customer", "name"});
    TokenRequest wanted;
    wanted.kind = reader.String("kind", true).value_or("");
    wanted.role = reader.String("role").value_or("");
    wanted.customer = reader.String("customer").value_or("");
    wanted.name = reader.String("name").value_or("");
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    TokenRecord record;
    auto created = CreateToken(store, wanted, ToUnixMillis(clock.Now()), record);
    if (!created) return ErrorResponse(created.error());
    nlohmann::json out = TokenJson(record);
    out["token"] = created->secret;  // the only time it is shown
    return JsonResponse(201, out);
  });

  router.Add("DELETE", "/api/v1/tokens/{id}", Role::kAdmin,
             [&store, &clock](const ApiRequest& request) {
               const std::string& id = request.path.at("id");
               if (Status revoked = store.RevokeToken(id, ToUnixMillis(clock.Now())); !revoked) {
                 return ErrorResponse(revoked.error());
               }
               auto tokens = store.ListTokens();
               if (!tokens) return ErrorResponse(tokens.error());
               for (const TokenRecord& token : *tokens) {
                 if (token.id == id) return JsonResponse(200, TokenJson(token));
               }
               return ErrorResponse(MakeError(ErrorCode::kNotFound, "no token with id " + id));
             });
}

}  // namespace vigil::collector
