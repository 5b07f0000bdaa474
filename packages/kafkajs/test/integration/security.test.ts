import { securitySuite } from "@outbound/kafka-test-kit";
import { kafkajsSubject } from "../subject.js";

securitySuite(kafkajsSubject);
