// A local OpenID Connect provider for the sign-in tests: oidc-provider (a certified implementation)
// with its development login form, which accepts any login and any password. One confidential
// client, whose settings come from the environment:
//   OIDC_PORT            port on 127.0.0.1 (the issuer is http://127.0.0.1:OIDC_PORT)
//   OIDC_CLIENT_ID       OIDC_CLIENT_SECRET
//   OIDC_REDIRECT_URI    the dashboard's /oauth2callback
//   OIDC_LOGOUT_URI      where the provider's logout may send the browser back to
// A login "ana" signs in as subject "ana" with the e-mail address ana@example.org.
// Prints "listening on <issuer>" once it answers.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      post_logout_redirect_uris: [process.env.OIDC_LOGOUT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  conformIdTokenClaims: false, // the ID token itself carries the e-mail address and the name
  cookies: { keys: ["local-test-provider-cookie-key"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.org`, email_verified: true, name: id };
      },
    };
  },
});
provider.proxy = false;

provider.listen(port, "127.0.0.1", () => {
  console.log(`listening on ${issuer}`);
});
