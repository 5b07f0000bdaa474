import { compressionSuite } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "../subject.js";

compressionSuite(kafkaSubject);
