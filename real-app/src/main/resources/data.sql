INSERT INTO owner (first_name, last_name, city, telephone) VALUES ('George', 'Franklin', 'Madison', '6085551023');
INSERT INTO owner (first_name, last_name, city, telephone) VALUES ('Betty', 'Davis', 'Sun Prairie', '6085551749');
INSERT INTO owner (first_name, last_name, city, telephone) VALUES ('Eduardo', 'Rodriquez', 'McFarland', '6085558763');
INSERT INTO owner (first_name, last_name, city, telephone) VALUES ('Harold', 'Davis', 'Windsor', '6085553198');
