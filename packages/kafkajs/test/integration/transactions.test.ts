import { transactionSuite } from "@outbound/kafka-test-kit";
import { kafkajsSubject } from "../subject.js";

transactionSuite(kafkajsSubject);
