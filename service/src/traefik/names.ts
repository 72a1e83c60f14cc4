/**
 * Traefik names for each domain's router and service: `hall-` plus the host with dots as dashes
 * (`testing.audit-io.fr` -> `hall-testing-audit-io-fr`). Hosts that differ only by a dot or a
 * dash (`a-b.test`, `a.b-test`) would share that name: the first in sort order keeps it, the
 * others get `_2`, `_3`... Host names never contain `_`, so a suffixed name cannot equal a plain
 * one, and Hall's own objects (`hall`) have no dash: every name is unique.
 */
export function domainObjectNames (hosts: Iterable<string>): Map<string, string> {
  const byBase = new Map<string, string[]>()
  for (const host of [...hosts].sort()) {
    const base = `hall-${host.replaceAll('.', '-')}`
    byBase.set(base, [...(byBase.get(base) ?? []), host])
  }
  const names = new Map<string, string>()
  for (const [base, group] of byBase) {
    group.forEach((host, i) => names.set(host, i === 0 ? base : `${base}_${i + 1}`))
  }
  return names
}

/**
 * A client project's router and service: `hall_project_` plus its name, a DNS label the store
 * keeps unique. Named for the project, not its host, so an edited host keeps the same objects;
 * the underscore keeps them apart from every domain's name (`hall-...` above) and from Hall's
 * own (`hall`, `hall_admin`).
 */
export function projectObjectName (projectName: string): string {
  return `hall_project_${projectName}`
}
