package dev.workerclass.realapp;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

public interface OwnerRepository extends JpaRepository<Owner, Long> {

	List<Owner> findAllByOrderByLastNameAscFirstNameAsc();

	List<Owner> findByLastNameStartingWithIgnoreCaseOrderByLastNameAscFirstNameAsc(String lastName);

}
