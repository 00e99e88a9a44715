# Lync Server Management Shell script written by rpp plan.
# golden test
# Safe to run twice: each New-Cs... and Remove-Cs... runs only when its Get-Cs... check says it is still to do.
$ErrorActionPreference = 'Stop'

# Step 1: Create the multiple-computer trusted application pool rpp-east.contoso.com, registered with fe-east.contoso.com
if (-not (Get-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:rpp-east.contoso.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationPool -Identity 'rpp-east.contoso.com' -Registrar 'fe-east.contoso.com' -Site 1 -ComputerFqdn 'dma-east.contoso.com' -RequiresReplication $false -ThrottleAsServer $true -TreatAsAuthenticated $true
}

# Step 2: Add computer rmx-east.contoso.com to trusted application pool rpp-east.contoso.com
if (-not (Get-CsTrustedApplicationComputer -Identity 'rmx-east.contoso.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationComputer -Identity 'rmx-east.contoso.com' -Pool 'rpp-east.contoso.com'
}

# Step 3: Create the multiple-computer trusted application pool rpp-west.contoso.com, registered with fe-west.contoso.com
if (-not (Get-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:rpp-west.contoso.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationPool -Identity 'rpp-west.contoso.com' -Registrar 'fe-west.contoso.com' -Site 2 -ComputerFqdn 'dma-west.contoso.com' -RequiresReplication $false -ThrottleAsServer $true -TreatAsAuthenticated $true
}

# Step 4: Add computer rmx-west.contoso.com to trusted application pool rpp-west.contoso.com
if (-not (Get-CsTrustedApplicationComputer -Identity 'rmx-west.contoso.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationComputer -Identity 'rmx-west.contoso.com' -Pool 'rpp-west.contoso.com'
}

# Step 5: Create trusted application video in pool rpp-east.contoso.com on port 5061 (Lync assigns the pool its Service GRUU)
if (-not (Get-CsTrustedApplication -Identity 'rpp-east.contoso.com/urn:application:video' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp-east.contoso.com' -Port 5061
}

# Step 6: Create trusted application video in pool rpp-west.contoso.com on port 5061 (Lync assigns the pool its Service GRUU)
if (-not (Get-CsTrustedApplication -Identity 'rpp-west.contoso.com/urn:application:video' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp-west.contoso.com' -Port 5061
}

# Step 7: Create trusted application endpoint sip:rpp-east@contoso.com in pool rpp-east.contoso.com (application video): the RMX's ICE identity
if (-not (Get-CsTrustedApplicationEndpoint -Identity 'sip:rpp-east@contoso.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp-east.contoso.com' -SipAddress 'sip:rpp-east@contoso.com'
}

# Step 8: Create trusted application endpoint sip:rpp-west@contoso.com in pool rpp-west.contoso.com (application video): the RMX's ICE identity
if (-not (Get-CsTrustedApplicationEndpoint -Identity 'sip:rpp-west@contoso.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp-west.contoso.com' -SipAddress 'sip:rpp-west@contoso.com'
}

# Step 9: Publish the topology changes above
Enable-CsTopology

# Step 10: Read back the Service GRUU Lync assigned to pool rpp-east.contoso.com: the RMX flag takes it without sip:, the DMA with sip:
$gruu10 = (Get-CsTrustedApplication -Identity 'rpp-east.contoso.com/urn:application:video').ServiceGruu
if (-not $gruu10) { throw 'No Service GRUU for rpp-east.contoso.com/video: publish the topology (Enable-CsTopology) and run this script again.' }
$bare10 = $gruu10 -replace '^(?i)sip:', ''
Write-Output "RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:): $bare10"
Write-Output "DMA Lync Integration, CsTrustedApplication ServiceGruu (with sip:): sip:$bare10"

# Step 11: Read back the Service GRUU Lync assigned to pool rpp-west.contoso.com: the RMX flag takes it without sip:, the DMA with sip:
$gruu11 = (Get-CsTrustedApplication -Identity 'rpp-west.contoso.com/urn:application:video').ServiceGruu
if (-not $gruu11) { throw 'No Service GRUU for rpp-west.contoso.com/video: publish the topology (Enable-CsTopology) and run this script again.' }
$bare11 = $gruu11 -replace '^(?i)sip:', ''
Write-Output "RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:): $bare11"
Write-Output "DMA Lync Integration, CsTrustedApplication ServiceGruu (with sip:): sip:$bare11"

# Steps 12-35 are on the RMXs and DMAs (rpp plan --format text lists their settings):
#   12. [rmx/rmx-east] Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)
#   13. [rmx/rmx-east] Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for
#   14. [rmx/rmx-east] Set ICE to the new method (the trusted application endpoint sip:rpp-east@contoso.com); save, and defer the reboot the RMX asks for
#   15. [rmx/rmx-east] Add the system flag (New Flag) SIP_CONTACT_OVERRIDE_STR: the pool's Service GRUU without sip:
#   16. [rmx/rmx-east] Reboot the RMX once, so the settings above take effect together
#   17. [rmx/rmx-east] Set conference profile lync-hd's encryption to whenAvailable
#   18. [rmx/rmx-west] Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)
#   19. [rmx/rmx-west] Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for
#   20. [rmx/rmx-west] Set ICE to the new method (the trusted application endpoint sip:rpp-west@contoso.com); save, and defer the reboot the RMX asks for
#   21. [rmx/rmx-west] Add the system flag (New Flag) SIP_CONTACT_OVERRIDE_STR: the pool's Service GRUU without sip:
#   22. [rmx/rmx-west] Reboot the RMX once, so the settings above take effect together
#   23. [rmx/rmx-west] Set conference profile lync-hd's encryption to whenAvailable
#   24. [dma/dma-east] Install the DMA's certificate: a SAN certificate naming its FQDN (never a wildcard)
#   25. [dma/dma-east] Add the external SIP peer fe-east for Lync Front End pool fe-east.contoso.com; on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:
#   26. [dma/dma-east] Set the RealConnect dial rule that resolves Lync conference IDs
#   27. [dma/dma-east] Add the meeting rooms 1000, 1001
#   28. [dma/dma-west] Install the DMA's certificate: a SAN certificate naming its FQDN (never a wildcard)
#   29. [dma/dma-west] Add the external SIP peer fe-west for Lync Front End pool fe-west.contoso.com; on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:
#   30. [dma/dma-west] Set the RealConnect dial rule that resolves Lync conference IDs
#   31. [dma/dma-west] Add the meeting rooms 2000
#   32. [rmx/rmx-east] Check the RMX's Active Alarms list shows no ICE alarm (such as "Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received") and its ICE status shows the Edge server
#   33. [rmx/rmx-west] Check the RMX's Active Alarms list shows no ICE alarm (such as "Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received") and its ICE status shows the Edge server
#   34. [dma/dma-east] Check that a standards-based endpoint that dials the ID of a Lync meeting joins it (RealConnect)
#   35. [dma/dma-west] Check that a standards-based endpoint that dials the ID of a Lync meeting joins it (RealConnect)
Write-Output 'Now carry out steps 12-35 on the RMXs and DMAs.'
