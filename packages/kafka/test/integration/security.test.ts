import { securitySuite } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "../subject.js";

securitySuite(kafkaSubject);
