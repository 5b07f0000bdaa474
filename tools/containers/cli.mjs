#!/usr/bin/env node
// `pnpm containers <command>`: the Docker-based way to run the test brokers (OUTBOUND_BROKERS=containers).
import { engineStatus, ensureEngine, stopEngine } from "./engine.mjs";
import { ensureImage, IMAGES, removeImages } from "./images.mjs";
import {
  containerBrokers,
  containerStatus,
  downContainers,
  portOffset,
  upContainerBroker,
} from "./provision.mjs";

const usage = `usage: pnpm containers <command> [names...]

  engine                 install docker.io/debootstrap if missing and start dockerd if none answers
  engine-stop            stop the dockerd this tool started (by its recorded pid)
  build [images]         build images (cached by input hash): ${Object.keys(IMAGES).join(", ")}
  up [brokers] [--fresh] start brokers as containers: ${containerBrokers.join(", ")} (default: all)
  down [brokers] [--wipe] remove their containers (all, and any testcontainers leftovers, when no names)
  status                 containers, state, host ports, memory (docker stats)
  rmi                    remove the images built here (the next build is cold)

OUTBOUND_CONTAINER_PORT_OFFSET (now ${portOffset()}) is added to every host port.`;

async function main([command, ...rest]) {
  const flags = new Set(rest.filter((arg) => arg.startsWith("--")));
  const names = rest.filter((arg) => !arg.startsWith("--"));
  switch (command) {
    case "engine":
      await ensureEngine();
      console.log(await engineStatus());
      return 0;
    case "engine-stop":
      await stopEngine();
      return 0;
    case "build":
      await ensureEngine();
      for (const name of names.length ? names : ["kafka"]) {
        const result = await ensureImage(name);
        console.log(
          `${result.tag}: ${result.built.length ? `built ${result.built.join(", ")}` : "up to date"} (${result.seconds.toFixed(1)} s)`,
        );
      }
      return 0;
    case "up":
      for (const name of names.length ? names : containerBrokers)
        await upContainerBroker(name, { fresh: flags.has("--fresh") });
      return 0;
    case "down":
      await downContainers(names, { wipe: flags.has("--wipe") });
      return 0;
    case "status": {
      const engine = await engineStatus();
      console.log(
        `dockerd: ${engine.answers ? "answers" : "down"}${engine.pid ? ` (pid ${engine.pid}, ours)` : ""}, data root ${engine.dataRoot}`,
      );
      if (!engine.answers) return 3;
      for (const row of await containerStatus()) {
        console.log([row.name, row.state, row.ports.join(","), row.memory ?? "", row.cpu ?? ""].join("  "));
      }
      return 0;
    }
    case "rmi":
      await removeImages();
      return 0;
    default:
      console.error(usage);
      return command === undefined || command === "help" ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`containers: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
