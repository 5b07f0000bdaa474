import { brokerErrorSuite } from "@outbound/kafka-test-kit";
import { kafkajsSubject } from "../subject.js";

brokerErrorSuite(kafkajsSubject);
