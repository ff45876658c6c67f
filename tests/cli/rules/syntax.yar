rule fine { condition: true }
rule bad { condition: ) }
rule later { condition: true }
