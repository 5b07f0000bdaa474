import { transactionSuite } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "../subject.js";

transactionSuite(kafkaSubject);
