/**
 * tokengate browser client.
 *
 * Obtains a JWT pair from a Simple JWT compatible back end, shows the decoded
 * tokens, refreshes the access token before it expires, calls a protected demo
 * API and revokes the refresh token on logout.
 *
 * Tokens live in this module's memory only: no localStorage, sessionStorage or
 * cookies. In cookie mode (data-cookie-mode="true") the server keeps the
 * refresh token in an HttpOnly cookie this script never sees; the page holds
 * the access token and the CSRF token, which it repeats in X-CSRF-Token on
 * refresh and logout. Server and token data is always written with textContent.
 */

const ENDPOINTS = Object.freeze({
  obtain: '/api/token/',
  refresh: '/api/token/refresh/',
  blacklist: '/api/token/blacklist/',
});

const CSRF_HEADER = 'X-CSRF-Token';
const REQUEST_TIMEOUT_MS = 15000;
const REFRESH_FRACTION = 0.8; // refresh at 80 % of the access token lifetime...
const REFRESH_LEAD_MS = 10000; // ...or 10 s before exp, whichever is later,
const MIN_REFRESH_DELAY_MS = 1000; // but never sooner than 1 s from now.
const MAX_TIMER_DELAY_MS = 2147483647; // setTimeout limit (about 24.8 days)
const RETRY_DELAYS_MS = [2000, 5000, 10000, 30000];
const COPY_FEEDBACK_MS = 2000;

const MESSAGES = Object.freeze({
  wrongCredentials: 'Wrong username or password.',
  unreachable: 'The server cannot be reached.',
  unexpected: 'The server sent an unexpected response.',
  expired: 'Your session has expired. Please log in again.',
  loggedOut: 'You have been logged out.',
});

const FIELD_LABELS = Object.freeze({ username: 'Username', password: 'Password' });
const GENERAL_ERROR_KEYS = new Set(['detail', 'non_field_errors']);

/* ------------------------------------------------------------------ */
/* DOM access and configuration                                        */
/* ------------------------------------------------------------------ */

const $ = (id) => document.getElementById(id);

const els = {
  loginSection: $('login'),
  loginForm: $('login-form'),
  username: $('username'),
  password: $('password'),
  loginButton: $('login-button'),
  loginError: $('login-error'),
  loginInfo: $('login-info'),
  session: $('session'),
  sessionTitle: $('session-title'),
  userId: $('user-id'),
  countdown: $('access-countdown'),
  refreshCount: $('refresh-count'),
  nextRefresh: $('next-refresh'),
  refreshStatus: $('refresh-status'),
  refreshNow: $('refresh-now'),
  logout: $('logout'),
  apiPanel: $('api-panel'),
  callApi: $('call-api'),
  apiResult: $('api-result'),
  apiStatus: $('api-status'),
  apiBody: $('api-body'),
  copyStatus: $('copy-status'),
};

const config = readConfig(document.body.dataset);

function readConfig(data) {
  return Object.freeze({
    mode: data.mode === 'dev' ? 'dev' : 'prod',
    demoPath: (data.demoPath || '').trim(),
    demoUser: data.demoUser || '',
    cookieMode: data.cookieMode === 'true', // refresh token in an HttpOnly cookie
    version: data.version || '',
  });
}

/* ------------------------------------------------------------------ */
/* State                                                               */
/* ------------------------------------------------------------------ */

const state = {
  session: null, // { access: Token, refresh: Token | null (cookie mode), csrf: string | null, refreshCount: number }
  epoch: 0, // bumped whenever a session starts or ends; stale async work checks it
  countdownTimer: 0,
  refreshTimer: 0,
  refreshDueAt: 0,
  refreshFailures: 0,
  inflightRefresh: null, // Promise<boolean> shared by all refresh callers
  loginPending: false,
  apiPending: false,
  loggingOut: false,
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

function setText(el, text) {
  if (el) el.textContent = text;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function prettyJson(value) {
  return JSON.stringify(value, null, 2);
}

function pad2(n) {
  return String(n).padStart(2, '0');
}

/** Local wall-clock time as HH:MM:SS. */
function formatClock(date) {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Remaining time as m:ss (or h:mm:ss), rounded up to the whole second. */
function formatRemaining(ms) {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = pad2(total % 60);
  return hours > 0 ? `${hours}:${pad2(minutes)}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * Shows one message as text, several as a list. Used for live regions, which
 * stay in the DOM (and collapse via CSS when empty) so that screen readers
 * announce their changes reliably.
 */
function showMessage(el, content) {
  const lines = Array.isArray(content) ? content : [content];
  el.textContent = '';
  if (lines.length === 1) {
    el.textContent = lines[0];
    return;
  }
  const list = document.createElement('ul');
  for (const line of lines) {
    const item = document.createElement('li');
    item.textContent = line;
    list.append(item);
  }
  el.append(list);
}

function clearLoginMessages() {
  showMessage(els.loginError, '');
  showMessage(els.loginInfo, '');
}

/**
 * Marks a button as busy without disabling it, so keyboard focus stays on it.
 * Callers guard against double activation with their own flags.
 */
function setBusy(button, busy, busyLabel) {
  if (!button) return;
  if (busy) {
    button.dataset.idleLabel = button.textContent;
    button.textContent = busyLabel;
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.idleLabel) button.textContent = button.dataset.idleLabel;
    delete button.dataset.idleLabel;
    button.removeAttribute('aria-disabled');
    button.removeAttribute('aria-busy');
  }
}

/* ------------------------------------------------------------------ */
/* JWT decoding                                                        */
/* ------------------------------------------------------------------ */

function base64UrlDecode(segment) {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new Error('not base64url');
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function decodeJsonSegment(segment) {
  const value = JSON.parse(base64UrlDecode(segment));
  if (!isPlainObject(value)) throw new Error('not a JSON object');
  return value;
}

function numericClaim(payload, name) {
  const value = payload ? payload[name] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Decodes (without verifying) a compact JWS. The client clock may differ from
 * the server clock, so the offset between "now" and the token's iat is kept:
 * the token was issued just before it was received, which lets expiry
 * countdowns and refresh scheduling use local time safely.
 */
function parseToken(raw, receivedAt) {
  const token = { raw, header: null, payload: null, error: null, iat: null, exp: null, skewMs: 0 };
  const parts = raw.split('.');
  if (parts.length !== 3) {
    token.error = 'not a JWT (expected three dot-separated parts)';
    return token;
  }
  try {
    token.header = decodeJsonSegment(parts[0]);
    token.payload = decodeJsonSegment(parts[1]);
  } catch (err) {
    token.error = `cannot decode: ${err.message}`;
    return token;
  }
  token.iat = numericClaim(token.payload, 'iat');
  token.exp = numericClaim(token.payload, 'exp');
  if (token.iat !== null) token.skewMs = receivedAt - token.iat * 1000;
  return token;
}

/** Expiry of a token in local clock milliseconds, or null without exp. */
function localExpiry(token) {
  return token.exp === null ? null : token.exp * 1000 + token.skewMs;
}

function localIssuedAt(token) {
  return token.iat === null ? null : token.iat * 1000 + token.skewMs;
}

/* ------------------------------------------------------------------ */
/* HTTP                                                                */
/* ------------------------------------------------------------------ */

class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NetworkError';
  }
}

function parseJson(text) {
  if (!text) return { json: false, data: undefined };
  try {
    return { json: true, data: JSON.parse(text) };
  } catch (err) {
    return { json: false, data: undefined };
  }
}

/**
 * Sends a JSON request. Resolves with { status, ok, statusText, headers, json,
 * data, text } for every HTTP response; rejects with NetworkError when no
 * response arrives (server unreachable, timeout).
 */
async function requestJson(method, url, { body, token, extraHeaders } = {}) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json', ...extraHeaders };
  if (token) headers.Authorization = `Bearer ${token}`;

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller.signal,
    });
    const text = await response.text();
    return {
      status: response.status,
      ok: response.ok,
      statusText: response.statusText,
      headers: response.headers,
      text,
      ...parseJson(text),
    };
  } catch (err) {
    throw new NetworkError(err && err.name === 'AbortError' ? 'request timed out' : String(err));
  } finally {
    clearTimeout(timer);
  }
}

function detailOf(res) {
  return isPlainObject(res.data) && typeof res.data.detail === 'string' ? res.data.detail : null;
}

function describeFailure(res) {
  return detailOf(res) || `Unexpected error (HTTP ${res.status}).`;
}

/** Seconds to wait after a 429: Retry-After header first, then the detail text. */
function retryAfterSeconds(res) {
  const header = (res.headers.get('Retry-After') || '').trim();
  if (/^\d+$/.test(header)) return Number(header);
  const date = header ? Date.parse(header) : NaN;
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  const match = /(\d+)\s*seconds?/i.exec(detailOf(res) || '');
  return match ? Number(match[1]) : null;
}

function throttledMessage(seconds) {
  if (seconds === null) return 'Too many attempts. Try again later.';
  return `Too many attempts. Try again in ${plural(Math.max(seconds, 1), 'second')}.`;
}

function flattenMessages(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(flattenMessages);
  if (isPlainObject(value)) return Object.values(value).flatMap(flattenMessages);
  return value === null || value === undefined ? [] : [String(value)];
}

/** DRF validation errors ({"field": ["msg", ...]}) as "Label: msg" lines. */
function fieldErrorMessages(data) {
  if (!isPlainObject(data)) return [];
  const lines = [];
  for (const [field, value] of Object.entries(data)) {
    if (field === 'code') continue;
    const label = GENERAL_ERROR_KEYS.has(field) ? '' : FIELD_LABELS[field] || field;
    for (const message of flattenMessages(value)) {
      lines.push(label ? `${label}: ${message}` : message);
    }
  }
  return lines;
}

/* ------------------------------------------------------------------ */
/* Login                                                               */
/* ------------------------------------------------------------------ */

function loginFailureMessage(res) {
  switch (res.status) {
    case 401:
      return MESSAGES.wrongCredentials;
    case 429:
      return throttledMessage(retryAfterSeconds(res));
    case 400: {
      const lines = fieldErrorMessages(res.data);
      return lines.length > 0 ? lines : describeFailure(res);
    }
    default:
      return describeFailure(res);
  }
}

function setFieldInvalid(input, invalid) {
  if (invalid) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'login-error');
  } else {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}

function markInvalidFields(res) {
  const data = res.status === 400 && isPlainObject(res.data) ? res.data : {};
  const inputs = [els.username, els.password];
  for (const input of inputs) setFieldInvalid(input, input.name in data);
  const firstInvalid = inputs.find((input) => input.name in data);
  if (firstInvalid) firstInvalid.focus();
  else if (res.status === 401) {
    els.password.focus();
    els.password.select();
  }
}

/** A login answer: {access, refresh}, or in cookie mode {access, csrf} (the refresh token went into a cookie). */
function hasTokenPair(res) {
  return (
    res.status === 200 &&
    isPlainObject(res.data) &&
    typeof res.data.access === 'string' &&
    typeof res.data[config.cookieMode ? 'csrf' : 'refresh'] === 'string'
  );
}

async function onLoginSubmit(event) {
  event.preventDefault();
  if (state.loginPending || state.session) return;

  state.loginPending = true;
  clearLoginMessages();
  setBusy(els.loginButton, true, 'Logging in\u2026');
  try {
    const res = await requestJson('POST', ENDPOINTS.obtain, {
      body: { username: els.username.value, password: els.password.value },
    });
    if (hasTokenPair(res)) {
      if (config.cookieMode) startSession(res.data.access, null, res.data.csrf);
      else startSession(res.data.access, res.data.refresh, null);
    } else {
      showMessage(els.loginError, res.ok ? MESSAGES.unexpected : loginFailureMessage(res));
      markInvalidFields(res);
    }
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    showMessage(els.loginError, MESSAGES.unreachable);
  } finally {
    state.loginPending = false;
    setBusy(els.loginButton, false);
  }
}

/* ------------------------------------------------------------------ */
/* Session lifecycle                                                   */
/* ------------------------------------------------------------------ */

function startSession(accessRaw, refreshRaw, csrf) {
  const now = Date.now();
  state.epoch += 1;
  state.session = {
    access: parseToken(accessRaw, now),
    refresh: refreshRaw === null ? null : parseToken(refreshRaw, now),
    csrf,
    refreshCount: 0,
  };
  state.refreshFailures = 0;

  els.password.value = '';
  setFieldInvalid(els.username, false);
  setFieldInvalid(els.password, false);
  clearLoginMessages();
  els.loginSection.hidden = true;
  els.session.hidden = false;

  renderSession();
  startCountdown();
  scheduleRefresh();
  els.sessionTitle.focus();
}

/** Forgets tokens and timers and shows the login form again. */
function endSession() {
  state.epoch += 1;
  clearInterval(state.countdownTimer);
  clearTimeout(state.refreshTimer);
  Object.assign(state, {
    session: null,
    countdownTimer: 0,
    refreshTimer: 0,
    refreshDueAt: 0,
    refreshFailures: 0,
    inflightRefresh: null,
    loggingOut: false,
  });
  clearSessionView();
  els.session.hidden = true;
  els.loginSection.hidden = false;
}

/**
 * What refresh and blacklist send: the refresh token in the body, or in cookie
 * mode an empty body with the CSRF token (the browser adds the cookies).
 */
function refreshTokenRequest() {
  if (config.cookieMode) return { body: {}, extraHeaders: { [CSRF_HEADER]: state.session.csrf } };
  return { body: { refresh: state.session.refresh.raw } };
}

/** Ends the session after the server rejected the refresh token. */
function expireSession() {
  const focusWasInSession = els.session.contains(document.activeElement);
  endSession();
  showMessage(els.loginInfo, '');
  showMessage(els.loginError, MESSAGES.expired);
  if (focusWasInSession || document.activeElement === document.body) els.username.focus();
}

async function onLogout() {
  if (!state.session || state.loggingOut) return;
  state.loggingOut = true;
  cancelScheduledRefresh();
  setBusy(els.logout, true, 'Logging out\u2026');
  const epoch = state.epoch;
  try {
    // Let a running refresh finish so that the latest refresh token is revoked.
    if (state.inflightRefresh) await state.inflightRefresh;
    if (epoch === state.epoch && state.session) {
      const res = await requestJson('POST', ENDPOINTS.blacklist, refreshTokenRequest());
      if (!res.ok) console.warn(`tokengate: blacklisting failed with HTTP ${res.status}`);
    }
  } catch (err) {
    console.warn('tokengate: could not blacklist the refresh token', err);
  } finally {
    setBusy(els.logout, false);
    if (epoch === state.epoch) {
      endSession();
      showMessage(els.loginError, '');
      showMessage(els.loginInfo, MESSAGES.loggedOut);
      els.username.focus();
    }
  }
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */
/* ------------------------------------------------------------------ */

function renderSession() {
  const { access, refresh, refreshCount } = state.session;
  const userId = access.payload ? access.payload.user_id : undefined;
  setText(els.userId, userId === undefined || userId === null ? '(no user_id claim)' : String(userId));
  setText(els.refreshCount, `Refreshed ${plural(refreshCount, 'time')}`);
  renderTokenCard('access', access);
  if (refresh) renderTokenCard('refresh', refresh);
  updateCountdown();
}

function renderTokenCard(kind, token) {
  renderRawToken($(`${kind}-token-raw`), token.raw);
  setText($(`${kind}-header`), token.header ? prettyJson(token.header) : `(${token.error})`);
  setText($(`${kind}-payload`), token.payload ? prettyJson(token.payload) : `(${token.error})`);
  renderTime($(`${kind}-iat`), token.iat);
  renderTime($(`${kind}-exp`), token.exp);
}

/** Raw token with its three parts coloured; textContent stays the raw token. */
function renderRawToken(el, raw) {
  const classes = ['jwt-header', 'jwt-payload', 'jwt-signature'];
  el.textContent = '';
  raw.split('.').forEach((part, index) => {
    if (index > 0) el.append('.');
    const span = document.createElement('span');
    span.className = classes[index] || '';
    span.textContent = part;
    el.append(span);
  });
}

function renderTime(el, seconds) {
  const date = seconds === null ? null : new Date(seconds * 1000);
  if (!date || Number.isNaN(date.getTime())) {
    el.removeAttribute('datetime');
    el.textContent = '\u2014';
    return;
  }
  el.dateTime = date.toISOString();
  el.textContent = date.toLocaleString();
}

function clearSessionView() {
  for (const kind of ['access', 'refresh']) {
    for (const suffix of ['token-raw', 'header', 'payload', 'iat', 'exp']) setText($(`${kind}-${suffix}`), '');
  }
  setText(els.userId, '');
  setText(els.countdown, '');
  setText(els.refreshCount, 'Refreshed 0 times');
  setText(els.nextRefresh, '');
  setText(els.refreshStatus, '');
  setText(els.copyStatus, '');
  setText(els.apiStatus, '');
  setText(els.apiBody, '');
  if (els.apiResult) els.apiResult.hidden = true;
}

/* ------------------------------------------------------------------ */
/* Countdown                                                           */
/* ------------------------------------------------------------------ */

function startCountdown() {
  clearInterval(state.countdownTimer);
  state.countdownTimer = setInterval(updateCountdown, 1000);
  updateCountdown();
}

function updateCountdown() {
  if (!state.session) return;
  const expiry = localExpiry(state.session.access);
  const remaining = expiry === null ? Infinity : expiry - Date.now();
  let text;
  if (expiry === null) text = 'does not expire';
  else if (remaining <= 0) text = 'expired';
  else text = `expires in ${formatRemaining(remaining)}`;
  setText(els.countdown, text);
  els.countdown.classList.toggle('countdown--soon', remaining > 0 && remaining <= REFRESH_LEAD_MS);
  els.countdown.classList.toggle('countdown--expired', remaining <= 0);
}

/* ------------------------------------------------------------------ */
/* Refresh                                                             */
/* ------------------------------------------------------------------ */

/**
 * Milliseconds until the access token should be refreshed: at 80 % of its
 * lifetime or 10 s before exp, whichever is later, but at least 1 s from now.
 * Null when the token has no exp claim.
 */
function computeRefreshDelay(token, now) {
  const expiry = localExpiry(token);
  if (expiry === null) return null;
  const issuedAt = localIssuedAt(token);
  let target = expiry - REFRESH_LEAD_MS;
  if (issuedAt !== null && expiry > issuedAt) {
    target = Math.max(target, issuedAt + (expiry - issuedAt) * REFRESH_FRACTION);
  }
  return Math.min(Math.max(target - now, MIN_REFRESH_DELAY_MS), MAX_TIMER_DELAY_MS);
}

function cancelScheduledRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = 0;
  state.refreshDueAt = 0;
  setText(els.nextRefresh, '');
}

/** Schedules the next refresh, after delayMs or from the access token's lifetime. */
function scheduleRefresh(delayMs) {
  cancelScheduledRefresh();
  if (!state.session || state.loggingOut) return;
  const now = Date.now();
  const delay = delayMs === undefined ? computeRefreshDelay(state.session.access, now) : delayMs;
  if (delay === null) {
    setText(els.nextRefresh, '(no exp claim: no automatic refresh)');
    return;
  }
  state.refreshDueAt = now + delay;
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = 0;
    refreshTokens();
  }, delay);
  setText(els.nextRefresh, `\u00b7 next at ${formatClock(new Date(state.refreshDueAt))}`);
}

/** Refreshes the access token; concurrent callers share one request. Resolves to true on success. */
function refreshTokens() {
  if (!state.session) return Promise.resolve(false);
  if (!state.inflightRefresh) {
    const pending = performRefresh().finally(() => {
      if (state.inflightRefresh === pending) state.inflightRefresh = null;
    });
    state.inflightRefresh = pending;
  }
  return state.inflightRefresh;
}

async function performRefresh() {
  const epoch = state.epoch;
  cancelScheduledRefresh();
  let res;
  try {
    res = await requestJson('POST', ENDPOINTS.refresh, refreshTokenRequest());
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (epoch === state.epoch) handleRefreshFailure(MESSAGES.unreachable, 0);
    return false;
  }
  if (epoch !== state.epoch) return false;

  if (res.ok && isPlainObject(res.data) && typeof res.data.access === 'string') {
    applyRefreshedTokens(res.data);
    return true;
  }
  // In cookie mode a 403 means the CSRF token no longer matches the cookies
  // (e.g. another tab logged in and replaced them): this session cannot go on.
  if (res.status === 401 || res.status === 400 || (config.cookieMode && res.status === 403)) {
    expireSession();
    return false;
  }
  if (res.status === 429) {
    const seconds = retryAfterSeconds(res);
    handleRefreshFailure(throttledMessage(seconds), (seconds || 0) * 1000);
  } else {
    handleRefreshFailure(res.ok ? MESSAGES.unexpected : describeFailure(res), 0);
  }
  return false;
}

function applyRefreshedTokens(data) {
  const now = Date.now();
  const session = state.session;
  session.access = parseToken(data.access, now);
  if (session.refresh && typeof data.refresh === 'string') session.refresh = parseToken(data.refresh, now); // rotation
  session.refreshCount += 1;
  state.refreshFailures = 0;
  renderSession();
  setText(els.refreshStatus, `Access token refreshed at ${formatClock(new Date(now))}`);
  scheduleRefresh();
}

/** Transient failure (network, 5xx, 429): keep the session and retry with backoff. */
function handleRefreshFailure(message, minDelayMs) {
  state.refreshFailures += 1;
  const index = Math.min(state.refreshFailures - 1, RETRY_DELAYS_MS.length - 1);
  const delay = Math.max(RETRY_DELAYS_MS[index], minDelayMs);
  scheduleRefresh(delay);
  if (state.refreshDueAt) {
    setText(els.refreshStatus, `Refresh failed: ${message} Retrying in ${plural(Math.round(delay / 1000), 'second')}.`);
  }
}

async function onRefreshNow() {
  if (!state.session || state.loggingOut || els.refreshNow.hasAttribute('aria-busy')) return;
  setBusy(els.refreshNow, true, 'Refreshing\u2026');
  try {
    await refreshTokens();
  } finally {
    setBusy(els.refreshNow, false);
  }
}

/** Background tabs throttle timers: catch up when the page is shown again. */
function onResume() {
  if (!state.session || document.visibilityState !== 'visible') return;
  updateCountdown();
  if (state.refreshDueAt && Date.now() >= state.refreshDueAt) refreshTokens();
}

/* ------------------------------------------------------------------ */
/* Demo API                                                            */
/* ------------------------------------------------------------------ */

function callDemoApi() {
  return requestJson('GET', config.demoPath, { token: state.session.access.raw });
}

async function onCallApi() {
  if (!state.session || state.apiPending || state.loggingOut) return;
  state.apiPending = true;
  const epoch = state.epoch;
  setBusy(els.callApi, true, 'Calling\u2026');
  try {
    let res = await callDemoApi();
    let note = '';
    if (res.status === 401 && epoch === state.epoch) {
      const refreshed = await refreshTokens();
      if (refreshed && epoch === state.epoch && state.session) {
        res = await callDemoApi();
        note = ' (retried after refreshing the access token)';
      } else {
        note = ' (the access token could not be refreshed)';
      }
    }
    if (epoch === state.epoch) showApiResult(res, note);
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (epoch === state.epoch) showApiError(MESSAGES.unreachable);
  } finally {
    state.apiPending = false;
    setBusy(els.callApi, false);
  }
}

function showApiResult(res, note) {
  const status = `${res.status} ${res.statusText || ''}`.trim();
  els.apiResult.hidden = false;
  els.apiStatus.classList.toggle('is-error', !res.ok);
  setText(els.apiStatus, `GET ${config.demoPath} \u2192 ${status}${note}`);
  setText(els.apiBody, res.json ? prettyJson(res.data) : res.text || '(empty response body)');
}

function showApiError(message) {
  els.apiResult.hidden = false;
  els.apiStatus.classList.add('is-error');
  setText(els.apiStatus, `GET ${config.demoPath} failed: ${message}`);
  setText(els.apiBody, '');
}

/* ------------------------------------------------------------------ */
/* Copy to clipboard                                                   */
/* ------------------------------------------------------------------ */

/** Fallback for insecure contexts: select the text and use execCommand. */
function legacyCopy(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  try {
    return document.execCommand('copy');
  } catch (err) {
    return false;
  }
}

async function copyToClipboard(el) {
  const text = el.textContent;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (err) {
    return legacyCopy(el);
  }
}

async function onCopyClick(event) {
  const button = event.currentTarget;
  const target = $(button.dataset.copyTarget);
  if (!target || !target.textContent) return;
  const copied = await copyToClipboard(target);
  const label = button.dataset.copyLabel || 'Token';
  setText(
    els.copyStatus,
    copied ? `${label} copied to the clipboard.` : `${label} selected: press Ctrl+C to copy it.`,
  );
  flashButton(button, copied ? 'Copied' : 'Selected');
}

function flashButton(button, text) {
  clearTimeout(Number(button.dataset.flashTimer) || 0);
  if (!button.dataset.restLabel) button.dataset.restLabel = button.textContent;
  button.textContent = text;
  button.dataset.flashTimer = String(
    setTimeout(() => {
      button.textContent = button.dataset.restLabel;
      delete button.dataset.restLabel;
      delete button.dataset.flashTimer;
    }, COPY_FEEDBACK_MS),
  );
}

/* ------------------------------------------------------------------ */
/* Start-up                                                            */
/* ------------------------------------------------------------------ */

function init() {
  els.loginForm.addEventListener('submit', onLoginSubmit);
  for (const input of [els.username, els.password]) {
    input.addEventListener('input', () => setFieldInvalid(input, false));
  }
  els.logout.addEventListener('click', onLogout);
  els.refreshNow.addEventListener('click', onRefreshNow);
  for (const button of document.querySelectorAll('[data-copy-target]')) {
    button.addEventListener('click', onCopyClick);
  }

  if (els.apiPanel && !config.demoPath) els.apiPanel.hidden = true;
  if (els.callApi && config.demoPath) els.callApi.addEventListener('click', onCallApi);

  document.addEventListener('visibilitychange', onResume);
  window.addEventListener('online', onResume);

  if (config.mode === 'dev' && config.demoUser && !els.username.value) {
    els.username.value = config.demoUser;
  }
  els.loginButton.disabled = false;
  (els.username.value ? els.password : els.username).focus();
}

init();
