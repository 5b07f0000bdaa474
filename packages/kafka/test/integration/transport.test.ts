import { transportSuite } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "../subject.js";

transportSuite(kafkaSubject);
