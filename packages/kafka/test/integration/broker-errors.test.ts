import { brokerErrorSuite } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "../subject.js";

brokerErrorSuite(kafkaSubject);
