// panva/oidc-provider (an OpenID Certified provider) for the SSO tests, on 127.0.0.1 only:
// `node provider.mjs PORT`. Its development login form takes any login; a login that is an
// email address is that user's verified email, any other login has no email. Our app
// registers itself through Dynamic Client Registration (/reg), as a test fixture does.
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  cookies: { keys: ['ordet-test-only'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return id.includes('@') ? { sub: id, email: id, email_verified: true } : { sub: id };
      },
    };
  },
});

provider.use(async (ctx, next) => {
  if (ctx.path === '/_test/state') {
    ctx.body = { ok: true };
    return;
  }
  await next();
});

provider.listen(port, '127.0.0.1');
