export { type Logger, silentLogger } from "./logger.js";
