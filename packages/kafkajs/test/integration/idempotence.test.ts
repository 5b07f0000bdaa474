import { idempotenceSuite } from "@outbound/kafka-test-kit";
import { kafkajsSubject } from "../subject.js";

idempotenceSuite(kafkajsSubject, [19411, 19412]);
