package dev.workerclass.realapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small owners application, written as a Spring MVC user writes one. */
@SpringBootApplication
public class RealApplication {

	public static void main(String[] args) {
		SpringApplication.run(RealApplication.class, args);
	}

}
