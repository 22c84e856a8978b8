// njs access-token check: HS256 signature, exp in the future, token_type == "access".
// @KEY@ is filled in by bench/lib.sh.
const crypto = require('crypto');
const KEY = '@KEY@';

function verify(r) {
  const h = r.headersIn.Authorization;
  if (!h || !h.startsWith('Bearer ')) return '0';
  const parts = h.slice(7).split('.');
  if (parts.length !== 3) return '0';
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    if (header.alg !== 'HS256') return '0';
    const sig = crypto.createHmac('sha256', KEY).update(parts[0] + '.' + parts[1]).digest('base64url');
    if (sig !== parts[2]) return '0';
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return '0';
    if (claims.token_type !== 'access') return '0';
    return '1';
  } catch (e) {
    return '0';
  }
}

export default { verify };
