import { partitionAgreementSuite } from "@outbound/kafka-test-kit";
import { kafkaSubject } from "../subject.js";

partitionAgreementSuite(kafkaSubject);
