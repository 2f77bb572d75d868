// A scratch consumer project outside the repository (so nothing resolves through the repo's own
// node_modules) with every package installed from its packed tarball, as a user would get it.
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

export const sh = (command, args, options = {}) =>
  execFileSync(command, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...options })

export const workspaces = () =>
  fs
    .readdirSync(path.join(root, "packages"))
    .filter((dir) => fs.existsSync(path.join(root, "packages", dir, "package.json")))
    .map((dir) => ({
      dir: path.join(root, "packages", dir),
      ...JSON.parse(fs.readFileSync(path.join(root, "packages", dir, "package.json"), "utf8"))
    }))
    .filter((pkg) => !pkg.private)

/** Packs every package from `from` (the repository, or a copy of it) into `dir`: [{ name, file }]. */
export const packAll = (dir, from = root) => {
  fs.mkdirSync(dir, { recursive: true })
  const out = sh("npm", ["pack", "--workspaces", "--json", "--pack-destination", dir], { cwd: from })
  return JSON.parse(out).map((entry) => ({ name: entry.name, file: path.join(dir, entry.filename) }))
}

/**
 * Makes a project in a fresh temporary folder and installs the tarballs plus `extra` packages.
 * better-sqlite3 compiles from source where no prebuilt binary can be downloaded (about 80 s), so
 * the install skips scripts and copies the addon the repository already built when the versions
 * match; otherwise it rebuilds it.
 */
export const makeConsumer = (name, tarballs, extra = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `paymux-${name}-`))
  const dependencies = Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.file}`]))
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `paymux-${name}`, private: true, type: "module", dependencies: { ...dependencies, ...extra } }, null, 2)
  )
  sh("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    stdio: ["ignore", "inherit", "inherit"]
  })
  const installed = path.join(dir, "node_modules/better-sqlite3")
  if (fs.existsSync(installed)) {
    const built = path.join(root, "node_modules/better-sqlite3")
    const version = (d) => JSON.parse(fs.readFileSync(path.join(d, "package.json"), "utf8")).version
    if (fs.existsSync(path.join(built, "build/Release/better_sqlite3.node")) && version(built) === version(installed)) {
      fs.cpSync(path.join(built, "build"), path.join(installed, "build"), { recursive: true })
    } else {
      sh("npm", ["rebuild", "better-sqlite3"], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] })
    }
  }
  return dir
}
