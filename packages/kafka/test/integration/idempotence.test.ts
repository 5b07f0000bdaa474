import { idempotenceSuite } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "../subject.js";

idempotenceSuite(kafkaSubject, [19421, 19422]);
