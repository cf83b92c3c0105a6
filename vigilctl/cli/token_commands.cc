// vigilctl tokens: list, create, revoke (admin).

#include "vigilctl/cli/cli.h"

namespace vigil::ctl {

void AddTokenCommands(CLI::App& app, Cli& cli) {
  using Json = nlohmann::json;
  Options& o = cli.options;
  CLI::App* tokens = app.add_subcommand("tokens", "API and enrollment tokens (admin)");
  tokens->require_subcommand(1);

  cli.OnChosen(tokens->add_subcommand("list", "list tokens (never their secrets)"),
               [](const Context& context) {
                 return List(context, "/api/v1/tokens", {}, TokenColumns(), 0);
               });

  CLI::App* create = tokens->add_subcommand(
      "create",
      "an API token (--role --name) or an enrollment token (--customer); the secret is "
      "shown only this once");
  auto* role_option = create->add_option("--role", o.role, "viewer, operator or admin")
                          ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  create->add_option("--name", o.name, "who or what uses it");
  auto* customer_option =
      create->add_option("--customer", o.customer, "an enrollment token for this customer");
  role_option->excludes(customer_option);
  cli.OnChosen(create, [&o](const Context& context) {
    Json body = o.customer.empty() ? Json{{"kind", "api"}, {"role", o.role}, {"name", o.name}}
                                   : Json{{"kind", "enrollment"}, {"customer", o.customer}};
    if (!o.customer.empty() && !o.name.empty()) body["name"] = o.name;
    std::vector<Column> fields = TokenColumns();
    fields.push_back(Field("TOKEN", "token"));
    return Show(context, "POST", "/api/v1/tokens", &body, fields);
  });

  CLI::App* revoke = tokens->add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("id", o.id, "the token's id")->required();
  cli.OnChosen(revoke, [&o](const Context& context) {
    return Show(context, "DELETE", "/api/v1/tokens/" + UrlEncode(o.id), nullptr, TokenColumns());
  });
}

}  // namespace vigil::ctl
