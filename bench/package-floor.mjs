// The memory floor under Hall: the bare server (bare-server.mjs) with the packages the service
// is required to use loaded into it (FLOOR_PACKAGES, comma-separated), none of them used.
// Usage: FLOOR_PACKAGES=a,b node [the service's node flags] bench/package-floor.mjs PUBLIC_URL
for (const name of (process.env.FLOOR_PACKAGES ?? '').split(',').filter(Boolean)) await import(name)
await import('./bare-server.mjs')
