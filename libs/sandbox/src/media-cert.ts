/**
 * TLS material of the sandbox's media host (`https://127.0.0.1:<mediaPort>`). Baileys uploads
 * and downloads media over HTTPS only, so the sandbox serves it with this fixed self-signed
 * certificate (valid for 127.0.0.1, ::1 and localhost until 2126). Like the sandbox root key it
 * protects nothing and is public on purpose: clients that should reach the sandbox's media trust
 * {@link SANDBOX_MEDIA_CERT} (e.g. `fetchAgent: new https.Agent({ ca: SANDBOX_MEDIA_CERT })`
 * for uploads, a fetch dispatcher or `NODE_EXTRA_CA_CERTS` for downloads).
 */

/** PEM certificate of the media host; it is its own CA. */
export const SANDBOX_MEDIA_CERT = `-----BEGIN CERTIFICATE-----
MIICBDCCAaqgAwIBAgIUXjTO9VpHRB8RxohxCogbb6d0iIcwCgYIKoZIzj0EAwIw
LDEqMCgGA1UEAwwhV2hhcmYgV2hhdHNBcHAgc2FuZGJveCBtZWRpYSBob3N0MCAX
DTI2MTEyMTEzMjY1NFoYDzIxMjYxMDI4MTMyNjU0WjAsMSowKAYDVQQDDCFXaGFy
ZiBXaGF0c0FwcCBzYW5kYm94IG1lZGlhIGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASi1/LZ9Ylim1mSJeYHRwGuklpUmSY+tW1E1fqUAwl6eT53fc/pTjM/
yskClhJX43m65ZoMWXON/y9EvBl+YbYGo4GnMIGkMB0GA1UdDgQWBBTQVR7tZwID
THwjMTZB00FFGo+WjzAfBgNVHSMEGDAWgBTQVR7tZwIDTHwjMTZB00FFGo+WjzAs
BgNVHREEJTAjhwR/AAABhxAAAAAAAAAAAAAAAAAAAAABgglsb2NhbGhvc3QwDwYD
VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAoQwEwYDVR0lBAwwCgYIKwYBBQUH
AwEwCgYIKoZIzj0EAwIDSAAwRQIgSBQ3ZfupyyvWqBgzP30SGtN8nNTgN7UhCH8J
LCvIoAgCIQC4NKzkXIjIPvblKmOPbGBNnFdtylb2HqtT0yMg+ZkGQA==
-----END CERTIFICATE-----
`;

/** PEM private key (P-256) of the media host. Test material, public on purpose. */
export const SANDBOX_MEDIA_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg6lRuDJ/vURLSyoT0
d61MLwThfrhdPjGICE9bTuRLUpOhRANCAASi1/LZ9Ylim1mSJeYHRwGuklpUmSY+
tW1E1fqUAwl6eT53fc/pTjM/yskClhJX43m65ZoMWXON/y9EvBl+YbYG
-----END PRIVATE KEY-----
`;
